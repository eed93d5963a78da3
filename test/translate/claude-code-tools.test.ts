/**
 * Claude Code's tool set (its 24 tools' schemas: `$schema`, `additionalProperties`, `propertyNames`,
 * `const`, `exclusiveMinimum`, `anyOf`, `pattern`, `format: uri`, ...) sent to a Gemini upstream must
 * come out as schemas inside Gemini's documented `Schema` subset.
 * @see https://ai.google.dev/api/caching#Schema
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/translate/json.js';
import { translateRequest } from '../../src/translate/translate.js';

const body = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/anthropic-messages/claude-code.request.json'), 'utf8'),
) as JsonObject;

/** The fields of Gemini's `Schema` object. */
const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
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
  'items',
  'minimum',
  'maximum',
]);
const TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const FORMATS: Record<string, string[]> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

/** Every way `schema` breaks Gemini's Schema rules, as `path: problem` lines. */
function violations(schema: unknown, path: string, out: string[]): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    out.push(`${path}: not an object`);
    return out;
  }
  const node = schema as JsonObject;
  for (const key of Object.keys(node)) if (!SCHEMA_FIELDS.has(key)) out.push(`${path}.${key}: not a Schema field`);
  if (node.type !== undefined && !TYPES.has(String(node.type))) out.push(`${path}.type: ${String(node.type)}`);
  if (node.format !== undefined && !FORMATS[String(node.type)]?.includes(String(node.format))) {
    out.push(`${path}.format: ${String(node.format)} on ${String(node.type)}`);
  }
  if (node.enum !== undefined && !(Array.isArray(node.enum) && node.enum.every((v) => typeof v === 'string'))) {
    out.push(`${path}.enum: not strings`);
  }
  const properties = (node.properties ?? {}) as JsonObject;
  if (node.properties !== undefined && Object.keys(properties).length === 0) out.push(`${path}.properties: empty`);
  for (const name of (node.required as string[] | undefined) ?? []) {
    if (!(name in properties)) out.push(`${path}.required: ${name} is not a property`);
  }
  for (const [name, child] of Object.entries(properties)) violations(child, `${path}.properties.${name}`, out);
  if (node.items !== undefined) violations(node.items, `${path}.items`, out);
  for (const [i, option] of ((node.anyOf as unknown[] | undefined) ?? []).entries()) {
    violations(option, `${path}.anyOf[${i}]`, out);
  }
  return out;
}

describe('Claude Code tools → Gemini', () => {
  const { value, warnings } = translateRequest({
    from: 'anthropic-messages',
    to: 'gemini',
    body,
    options: { targetProvider: 'gemini' },
  });
  const declarations = ((value.tools as JsonObject[])[0]?.functionDeclarations ?? []) as JsonObject[];

  it('declares all 24 tools under their own names', () => {
    expect(declarations.map((d) => d.name)).toEqual((body.tools as JsonObject[]).map((t) => t.name));
    expect(declarations).toHaveLength(24);
  });

  it('every parameters schema stays inside Gemini’s Schema subset', () => {
    const problems = declarations.flatMap((d) =>
      d.parameters === undefined ? [] : violations(d.parameters, String(d.name), []),
    );
    expect(problems).toEqual([]);
  });

  it('keeps what the model needs: required fields, enums, bounds, nullable unions', () => {
    const byName = Object.fromEntries(declarations.map((d) => [d.name, d.parameters as JsonObject]));
    const bash = byName.Bash as JsonObject;
    expect(bash.required).toEqual(['command']);
    expect((bash.properties as JsonObject).timeout).toMatchObject({ type: 'NUMBER', maximum: 600000, minimum: 0 });
    const read = (byName.Read as JsonObject).properties as JsonObject;
    expect(read.offset).toMatchObject({ type: 'NUMBER', minimum: 0 });
    const pr = (byName.mcp__github__create_pull_request as JsonObject).properties as JsonObject;
    expect(pr.kind).toEqual({ type: 'STRING', enum: ['pull_request'] });
    expect(pr.reviewers).toMatchObject({ type: 'ARRAY', items: { type: 'STRING' }, nullable: true });
    expect(pr.priority).toEqual({
      anyOf: [
        { type: 'INTEGER', minimum: 1 },
        { type: 'STRING', enum: ['low', 'high'] },
      ],
    });
    const todos = (byName.TodoWrite as JsonObject).properties as JsonObject;
    expect((todos.todos as JsonObject).items).toMatchObject({
      type: 'OBJECT',
      required: ['content', 'status', 'activeForm'],
    });
    // A tool without parameters leaves `parameters` out (Gemini rejects an empty OBJECT).
    expect(byName.EnterPlanMode).toBeUndefined();
  });

  it('names what it dropped in schema-reduced warnings, and drops Anthropic-only settings with a warning', () => {
    const reduced = warnings.filter((w) => w.code === 'schema-reduced').map((w) => w.message);
    expect(reduced.some((m) => m.includes('propertyNames'))).toBe(true);
    expect(warnings.map((w) => w.code)).toContain('anthropic-only-dropped');
    expect(JSON.stringify(value)).not.toMatch(
      /\$schema|additionalProperties|propertyNames|exclusiveMinimum|cache_control/,
    );
  });
});
