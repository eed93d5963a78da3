import { describe, expect, it } from 'vitest';
import { schemaFromCanonical, schemaToCanonical } from './clean-schema.js';

describe('schemaFromCanonical', () => {
  it('inlines local refs, stops at recursion, and maps nullable unions', () => {
    const dropped = new Set<string>();
    const out = schemaFromCanonical(
      {
        type: 'object',
        properties: {
          node: { $ref: '#/definitions/Node' },
          tags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
          mixed: { type: ['string', 'integer'] },
        },
        definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } },
      },
      dropped,
    );
    expect(out).toEqual({
      type: 'OBJECT',
      properties: {
        node: { type: 'OBJECT', properties: { next: { type: 'OBJECT' } } },
        tags: { type: 'ARRAY', items: { type: 'STRING', nullable: true } },
        mixed: { anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] },
      },
    });
    expect([...dropped]).toEqual(['$ref (recursive)']);
  });

  it('is inverted by schemaToCanonical for Gemini-native schemas', () => {
    const gemini = {
      type: 'OBJECT',
      properties: { a: { type: 'STRING', nullable: true, format: 'date-time' } },
      required: ['a'],
    };
    expect(schemaFromCanonical(schemaToCanonical(gemini), new Set())).toEqual(gemini);
  });
});
