/**
 * @module domain/api/message-types/check
 * The Graph way of checking a request body: unknown keys → 100, missing → 131008, bad values → 131009.
 */
import { GraphError } from '../graph-error.js';
import type { Json } from './types.js';

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function onlyKeys(obj: Json, allowed: Iterable<string>, param: string): void {
  const set = allowed instanceof Set ? (allowed as Set<string>) : new Set(allowed);
  for (const k of Object.keys(obj)) if (!set.has(k)) throw new GraphError(100, `Unexpected key "${k}" on param "${param}".`);
}

export function objectParam(v: unknown, param: string): Json {
  if (v === undefined) throw new GraphError(131008, `The parameter ${param} is required.`);
  if (!isObject(v)) throw new GraphError(100, `Param ${param} must be a JSON object.`);
  return v;
}

export function requiredString(obj: Json, key: string, param: string): string {
  const v = obj[key];
  if (v === undefined) throw new GraphError(131008, `The parameter ${param} is required.`);
  if (typeof v !== 'string') throw new GraphError(100, `Param ${param} must be a string.`);
  return v;
}

export function optionalString(obj: Json, key: string, param: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new GraphError(100, `Param ${param} must be a string.`);
  return v;
}

/** A string of 1..max characters (after the Graph's own trimming rules: none). */
export function checkLength(value: string, max: number, param: string, min = 1): string {
  if (value.length < min) throw new GraphError(131009, `Param ${param} must not be empty.`);
  if (value.length > max) throw new GraphError(131009, `Param ${param} must be at most ${max} characters.`);
  return value;
}
