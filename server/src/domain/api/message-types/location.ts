/**
 * @module domain/api/message-types/location
 * `type: location` (reference §3.5): latitude/longitude as a number or a numeric string, optional
 * name (≤256) and address (≤512) → a Parley `location` message.
 */
import { GraphError } from '../graph-error.js';
import { checkLength, objectParam, onlyKeys, optionalString } from './check.js';
import type { Json, MessageBuilder } from './types.js';

export const LOCATION_NAME_MAX = 256;
export const LOCATION_ADDRESS_MAX = 512;

/** A coordinate given as a number or a numeric string, within ±`limit`. */
export function coordinate(obj: Json, key: string, param: string, limit: number): number {
  const v = obj[key];
  if (v === undefined) throw new GraphError(131008, `The parameter ${param} is required.`);
  if (typeof v !== 'number' && typeof v !== 'string') throw new GraphError(100, `Param ${param} must be a number.`);
  const n = typeof v === 'number' ? v : /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new GraphError(131009, `Param ${param} must be a number.`);
  if (n < -limit || n > limit) throw new GraphError(131009, `Param ${param} must be between -${limit} and ${limit}.`);
  return n;
}

export const buildLocation: MessageBuilder = async (_b, value) => {
  const loc = objectParam(value, 'location');
  onlyKeys(loc, ['latitude', 'longitude', 'name', 'address'], 'location');
  const latitude = coordinate(loc, 'latitude', 'location.latitude', 90);
  const longitude = coordinate(loc, 'longitude', 'location.longitude', 180);
  const name = optionalString(loc, 'name', 'location.name');
  const address = optionalString(loc, 'address', 'location.address');
  const content: Json = { latitude, longitude };
  if (name !== undefined && name !== '') content.name = checkLength(name, LOCATION_NAME_MAX, 'location.name');
  if (address !== undefined && address !== '') content.address = checkLength(address, LOCATION_ADDRESS_MAX, 'location.address');
  return { kind: 'location', content };
};
