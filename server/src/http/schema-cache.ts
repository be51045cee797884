/**
 * @module http/schema-cache
 * Request validators (TypeBox) and response serializers (fast-json-stringify), compiled once per
 * process for each distinct schema and shared by every app the process builds. A server builds one
 * app, but the test suite builds hundreds, where compiling the same schemas again was most of the
 * start-up time.
 */
import fastJsonStringify from 'fast-json-stringify';
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { TSchema } from '@sinclair/typebox';

const KIND = Symbol.for('TypeBox.Kind');

/** The schema as text, TypeBox's kind symbols included (two schemas with one text compile alike). */
function schemaKey(schema: unknown): string {
  return JSON.stringify(schema, (_key, value: unknown) => (value !== null && typeof value === 'object' && KIND in value ? { '~kind': (value as Record<symbol, unknown>)[KIND], ...value } : value));
}

const validators = new Map<string, ReturnType<FastifySchemaCompiler<TSchema>>>();
const serializers = new Map<string, (data: unknown) => string>();

/** TypeBox validation as `TypeBoxValidatorCompiler` does it (query, params and headers converted first), cached. */
export const cachedValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const key = `${route.httpPart === 'body' ? 'body' : 'convert'}:${schemaKey(route.schema)}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = TypeBoxValidatorCompiler(route);
    validators.set(key, validate);
  }
  return validate;
};

/** fast-json-stringify serializers, as Fastify's default compiler builds them, cached. */
export const cachedSerializerCompiler: FastifySerializerCompiler<TSchema> = ({ schema }) => {
  const key = schemaKey(schema);
  let serialize = serializers.get(key);
  if (!serialize) {
    serialize = fastJsonStringify(schema as unknown as Parameters<typeof fastJsonStringify>[0]);
    serializers.set(key, serialize);
  }
  return serialize;
};
