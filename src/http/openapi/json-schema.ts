import { z, type ZodType } from 'zod';

/** A JSON Schema (2020-12) object as z.toJSONSchema gives it. */
export type JsonSchema = Record<string, unknown>;

/** An OpenAPI parameter object (path or query). */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/**
 * The JSON Schema of what a client sends: `io: 'input'` describes a transform or pipe by its
 * input side (the text a date or cursor arrives as, not what the handler turns it into), and a
 * refinement zod cannot express (a cross-field check) is left out rather than failing the build;
 * the route still applies it. OpenAPI 3.1 uses JSON Schema 2020-12 as it is, minus `$schema`.
 */
export function toJsonSchema(schema: ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** Express `:name` segments, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
}

/** `/api/reports/:id/status` → `/api/reports/{id}/status` (OpenAPI path templating). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** One parameter per `:name`, with the schema the handler reads it with (text when it has none). */
export function pathParameters(path: string, schemas: Record<string, ZodType> = {}, descriptions: Record<string, string> = {}): ParameterObject[] {
  const names = pathParamNames(path);
  const stray = Object.keys(schemas).filter((name) => !names.includes(name));
  if (stray.length > 0) throw new Error(`Route doc for ${path} describes path parameters it does not have: ${stray.join(', ')}`);
  return names.map((name) => ({
    name,
    in: 'path',
    required: true,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: schemas[name] ? toJsonSchema(schemas[name]) : { type: 'string' },
  }));
}

/** One parameter per top-level property of the query schema, required as the schema says. */
export function queryParameters(path: string, schema: ZodType | undefined, descriptions: Record<string, string> = {}): ParameterObject[] {
  if (!schema) return [];
  const json = toJsonSchema(schema);
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (json.type !== 'object' || !properties) throw new Error(`The query schema of ${path} must be an object schema (one property per parameter)`);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description: own, ...propertySchema } = property;
    const description = descriptions[name] ?? (typeof own === 'string' ? own : undefined);
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: propertySchema };
  });
}
