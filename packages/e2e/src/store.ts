/**
 * @module e2e/store
 * Where a device keeps its secrets: its signature key and credential, the private halves of the key
 * packages it published, and each chat's MLS group state. Values are opaque bytes; the browser
 * implementation keeps them in IndexedDB, tests use `MemoryStore`.
 */
export interface E2eStore {
  get(name: string): Promise<Uint8Array | undefined>;
  put(name: string, value: Uint8Array): Promise<void>;
  delete(name: string): Promise<void>;
  /** Names starting with `prefix`. */
  list(prefix: string): Promise<string[]>;
}

export class MemoryStore implements E2eStore {
  private readonly map = new Map<string, Uint8Array>();
  async get(name: string): Promise<Uint8Array | undefined> {
    return this.map.get(name);
  }
  async put(name: string, value: Uint8Array): Promise<void> {
    this.map.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.map.delete(name);
  }
  async list(prefix: string): Promise<string[]> {
    return [...this.map.keys()].filter((k) => k.startsWith(prefix));
  }
}
