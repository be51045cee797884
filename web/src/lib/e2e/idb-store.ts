/**
 * The browser's storage for end-to-end state (packages/e2e `E2eStore`): one IndexedDB database per
 * device, holding the signature key and credential, key packages' private halves, each chat's MLS
 * group state, and the plaintext of the messages this device encrypted or decrypted (an MLS message
 * can be decrypted only once, and a sender cannot decrypt its own). Losing it means re-linking the
 * device; earlier history is then unreadable on it.
 */
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { E2eStore } from '../../../../packages/e2e/src/index.js';

const dbName = (deviceId: string) => `parley-e2e-${deviceId}`;

export class IdbE2eStore implements E2eStore {
  private readonly db: Promise<IDBPDatabase>;

  constructor(deviceId: string) {
    this.db = openDB(dbName(deviceId), 1, {
      upgrade(d) {
        d.createObjectStore('kv');
        d.createObjectStore('plain');
      },
    });
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    const v = (await (await this.db).get('kv', name)) as Uint8Array | undefined;
    return v ? new Uint8Array(v) : undefined;
  }
  async put(name: string, value: Uint8Array): Promise<void> {
    await (await this.db).put('kv', value, name);
  }
  async delete(name: string): Promise<void> {
    await (await this.db).delete('kv', name);
  }
  async list(prefix: string): Promise<string[]> {
    const keys = (await (await this.db).getAllKeys('kv', IDBKeyRange.bound(prefix, prefix + '\uffff'))) as string[];
    return keys;
  }

  /** The plaintext kept for a ciphertext (by its digest). */
  async getPlain<T>(digest: string): Promise<T | undefined> {
    return (await (await this.db).get('plain', digest)) as T | undefined;
  }
  async putPlain(digest: string, value: unknown): Promise<void> {
    await (await this.db).put('plain', value, digest);
  }

  close(): void {
    void this.db.then((d) => d.close(), () => undefined);
  }
}

/** Forget a device's end-to-end state (sign-out: the device is revoked and its keys are useless). */
export async function deleteE2eStore(deviceId: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await deleteDB(dbName(deviceId));
}
