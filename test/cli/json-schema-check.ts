/**
 * A small JSON Schema (2020-12) checker for the keywords docs/json-events.schema.json uses: type,
 * enum, const, required, properties, additionalProperties, items, minimum, minLength, allOf and
 * if/then/else. A keyword it does not know is an error, so the schema cannot silently outgrow it.
 */

/** A JSON Schema, as parsed from JSON. */
export type Schema = { [keyword: string]: unknown };

const KNOWN = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minimum',
  'minLength',
  'allOf',
  'if',
  'then',
  'else',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const matchesType = (v: unknown, t: string): boolean => typeOf(v) === t || (t === 'number' && typeOf(v) === 'integer');

/** The ways `value` breaks `schema`, as `where: what` lines; empty when it conforms. */
export function schemaErrors(schema: Schema, value: unknown, where = '$'): string[] {
  const errors: string[] = [];
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) errors.push(`${where}: the checker does not know the keyword ${k}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => matchesType(value, t))) return [...errors, `${where}: ${typeOf(value)} is not ${types.join(' or ')}`];
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value)) errors.push(`${where}: ${JSON.stringify(value)} is not one of the enum`);
  if ('const' in schema && schema.const !== value) errors.push(`${where}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${where}: ${value} < ${schema.minimum}`);
  if (typeof value === 'string' && typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${where}: too short`);
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [i, v] of value.entries()) errors.push(...schemaErrors(schema.items as Schema, v, `${where}[${i}]`));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errors.push(`${where}: ${r} is required`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k] !== undefined) errors.push(...schemaErrors(props[k], v, `${where}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${where}: ${k} is not allowed`);
    }
  }
  for (const sub of (schema.allOf ?? []) as Schema[]) errors.push(...schemaErrors(sub, value, where));
  if (schema.if !== undefined) {
    const branch = schemaErrors(schema.if as Schema, value, where).length === 0 ? schema.then : schema.else;
    if (branch !== undefined) errors.push(...schemaErrors(branch as Schema, value, where));
  }
  return errors;
}
