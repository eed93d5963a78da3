import { isRecord, type JsonObject } from '../json.js';

/**
 * The keywords of Gemini's `Schema` (an OpenAPI 3.0 subset). Everything else is dropped.
 * @see https://ai.google.dev/api/caching#Schema
 */
const KEPT = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'minimum',
  'maximum',
]);

/** Annotations whose loss changes nothing the model sees; dropped without a warning. */
const QUIET = new Set(['$schema', '$id', '$comment', '$defs', 'definitions', 'additionalProperties', 'examples']);

/** Formats Gemini accepts per type; others are rejected by the API, so they are dropped. */
const FORMATS: Readonly<Record<string, readonly string[]>> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

const TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const MAX_DEPTH = 32;

/**
 * Reduces a JSON Schema to what Gemini's `parameters` / `responseSchema` accept:
 * - `$ref` to local `#/$defs/...` or `#/definitions/...` are inlined (a recursive reference becomes an
 *   untyped object, with a warning); other references are dropped with a warning;
 * - `type: ["string","null"]` → `type: "STRING", nullable: true`; several non-null types → `anyOf`;
 * - `const` → a one-value `enum`; `oneOf` → `anyOf`; a one-element `allOf` is merged in;
 * - `exclusiveMinimum` / `exclusiveMaximum` → `minimum` / `maximum` (exact for integers; for numbers
 *   the bound becomes inclusive, named in the warning);
 * - enums of non-strings (Gemini enums are strings) are dropped and listed in the description;
 * - `additionalProperties`, `$schema`, `$id`, `$comment`, `examples`, unknown formats and every other
 *   keyword outside Gemini's Schema are dropped (the semantic ones named in one warning);
 * - types are upper-cased (Gemini's `Type` enum); `required` keeps only declared properties.
 *
 * `dropped` collects the names of dropped keywords worth a warning.
 */
export function schemaFromCanonical(schema: unknown, dropped: Set<string>): JsonObject {
  const root = isRecord(schema) ? schema : {};
  const defs = { ...(isRecord(root.definitions) ? root.definitions : {}), ...(isRecord(root.$defs) ? root.$defs : {}) };
  return reduce(root, defs, dropped, [], 0);
}

function reduce(node: JsonObject, defs: JsonObject, dropped: Set<string>, refs: string[], depth: number): JsonObject {
  if (depth > MAX_DEPTH) {
    dropped.add('(nesting too deep)');
    return { type: 'OBJECT' };
  }
  let source = node;
  const ref = typeof node.$ref === 'string' ? node.$ref : undefined;
  if (ref !== undefined) {
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
    const target = match ? defs[decodeURIComponent(match[1] ?? '')] : undefined;
    if (!isRecord(target)) {
      dropped.add('$ref');
      source = withoutKey(node, '$ref');
    } else if (refs.includes(ref)) {
      dropped.add('$ref (recursive)');
      return compactDescription({ type: 'OBJECT', description: node.description ?? target.description });
    } else {
      // Siblings of $ref (a description, say) win over the referenced schema's own.
      return reduce({ ...target, ...withoutKey(node, '$ref') }, defs, dropped, [...refs, ref], depth + 1);
    }
  }
  const allOf = source.allOf;
  if (Array.isArray(allOf)) {
    source = withoutKey(source, 'allOf');
    if (allOf.length === 1 && isRecord(allOf[0])) {
      const inner = allOf[0];
      const resolved = typeof inner.$ref === 'string' ? reduce(inner, defs, dropped, refs, depth + 1) : inner;
      source = { ...lowerSchema(resolved), ...source };
    } else {
      dropped.add('allOf');
    }
  }

  const out: JsonObject = {};
  let nullable = source.nullable === true;
  const type = source.type;
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === 'string');
    if (types.includes('null')) nullable = true;
    const nonNull = types.filter((t) => t !== 'null');
    if (nonNull.length === 1) out.type = nonNull[0]?.toUpperCase();
    else if (nonNull.length > 1) out.anyOf = nonNull.map((t) => ({ type: t.toUpperCase() }));
  } else if (typeof type === 'string') {
    if (type.toLowerCase() === 'null') nullable = true;
    else out.type = type.toUpperCase();
  }
  if (typeof out.type === 'string' && !TYPES.has(out.type)) {
    dropped.add(`type ${String(out.type)}`);
    delete out.type;
  }

  for (const key in source) {
    const value = source[key];
    switch (key) {
      case 'type':
      case 'nullable':
      case '$ref':
        break;
      case 'const':
        out.enum = [String(value)];
        if (out.type === undefined) out.type = 'STRING';
        break;
      case 'enum':
        if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out.enum = value;
        else if (Array.isArray(value)) {
          const listed = value.filter((v) => v !== null).map((v) => JSON.stringify(v));
          if (value.includes(null)) nullable = true;
          if (listed.length > 0) {
            const note = `Allowed values: ${listed.join(', ')}`;
            out.description = typeof source.description === 'string' ? `${source.description}\n${note}` : note;
          }
        }
        break;
      case 'description':
        if (typeof value === 'string' && out.description === undefined) out.description = value;
        break;
      case 'format': {
        const allowed = typeof out.type === 'string' ? FORMATS[out.type] : undefined;
        if (typeof value === 'string' && allowed?.includes(value)) out.format = value;
        else dropped.add(`format ${String(value)}`);
        break;
      }
      case 'properties':
        if (isRecord(value)) {
          const props: JsonObject = {};
          for (const name in value) {
            const child = value[name];
            props[name] = reduce(isRecord(child) ? child : {}, defs, dropped, refs, depth + 1);
          }
          // Gemini rejects an OBJECT whose `properties` is present but empty.
          if (Object.keys(props).length > 0) out.properties = props;
        }
        break;
      case 'items':
        if (isRecord(value)) out.items = reduce(value, defs, dropped, refs, depth + 1);
        else if (Array.isArray(value)) {
          dropped.add('items (tuple)');
          const first = value[0];
          if (isRecord(first)) out.items = reduce(first, defs, dropped, refs, depth + 1);
        }
        break;
      case 'anyOf':
      case 'oneOf':
        if (Array.isArray(value)) {
          const options = value.filter(isRecord);
          const nonNull = options.filter((o) => o.type !== 'null');
          if (nonNull.length < options.length) nullable = true;
          // anyOf: [X, {type: null}] is the common way to say "nullable X".
          if (nonNull.length === 1 && nonNull[0])
            Object.assign(out, withoutKey(reduce(nonNull[0], defs, dropped, refs, depth + 1), 'description'));
          else if (nonNull.length > 1) out.anyOf = nonNull.map((o) => reduce(o, defs, dropped, refs, depth + 1));
        }
        break;
      case 'required':
        if (Array.isArray(value)) out.required = value.filter((v): v is string => typeof v === 'string');
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        // Zod's `.positive()` writes `exclusiveMinimum: 0`; Gemini has inclusive bounds only.
        const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
        if (typeof value !== 'number' || source[bound] !== undefined) break;
        const step = out.type === 'INTEGER' ? 1 : 0;
        out[bound] = key === 'exclusiveMinimum' ? value + step : value - step;
        if (step === 0) dropped.add(key);
        break;
      }
      default:
        if (KEPT.has(key)) out[key] = value;
        else if (!QUIET.has(key)) dropped.add(key);
    }
  }
  if (Array.isArray(out.required)) {
    const props = isRecord(out.properties) ? out.properties : {};
    const required = out.required.filter((name) => typeof name === 'string' && name in props);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  if (nullable) out.nullable = true;
  return out;
}

/**
 * Gemini `Schema` → JSON Schema for the canonical form: lower-case types, `nullable` as a `null` member
 * of `type`, recursively. Other keywords are JSON Schema already (or harmless extras such as
 * `propertyOrdering`).
 */
export function schemaToCanonical(schema: unknown): JsonObject {
  return isRecord(schema) ? lowerSchema(schema) : {};
}

function lowerSchema(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key in node) {
    const value = node[key];
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'nullable') continue;
    else if (key === 'properties' && isRecord(value)) {
      const props: JsonObject = {};
      for (const name in value) props[name] = isRecord(value[name]) ? lowerSchema(value[name]) : value[name];
      out.properties = props;
    } else if (key === 'items' && isRecord(value)) out.items = lowerSchema(value);
    else if (key === 'anyOf' && Array.isArray(value)) out.anyOf = value.map((v) => (isRecord(v) ? lowerSchema(v) : v));
    else out[key] = value;
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else out.nullable = true;
  }
  return out;
}

function withoutKey(node: JsonObject, key: string): JsonObject {
  const out: JsonObject = {};
  for (const k in node) if (k !== key) out[k] = node[k];
  return out;
}

function compactDescription(node: JsonObject): JsonObject {
  if (node.description === undefined) delete node.description;
  return node;
}
