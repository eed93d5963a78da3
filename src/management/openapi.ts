import { z } from 'zod';
import type { Route } from './routes/index.js';
import { errorSchema, managementSchemas } from './schemas.js';

const ref = (schema: z.ZodType) => {
  const id = managementSchemas.get(schema)?.id;
  if (!id) throw new Error('every management schema is registered with an id');
  return { $ref: `#/components/schemas/${id}` };
};

/**
 * The OpenAPI 3.1 document of the management routes, built from the same zod schemas that validate
 * them, so the document cannot drift from what the routes accept.
 */
export function openApiDocument(routes: readonly Route[], basePath: string, version: string): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(managementSchemas, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  for (const schema of Object.values(schemas)) delete (schema as { $schema?: unknown }).$schema;
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: ref(errorSchema) } },
  });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const operation: Record<string, unknown> = {
      summary: route.summary,
      operationId: operationId(route),
      security: route.public ? [] : [{ bearer: [] }, { managementKey: [] }],
    };
    const parameters: unknown[] = params.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query) {
      const query = z.toJSONSchema(route.query, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, { description?: string }>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: 'query',
          required: query.required?.includes(name) ?? false,
          description,
          schema: rest,
        });
      }
    }
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) {
      const content: Record<string, unknown> = { 'application/json': { schema: ref(route.body) } };
      if (route.text) {
        content['application/yaml'] = { schema: { type: 'string' } };
        content['text/plain'] = { schema: { type: 'string' } };
      }
      operation.requestBody = { required: true, content };
    }
    const ok: Record<string, unknown> = { description: 'Success' };
    if (route.response.schema) ok.content = { 'application/json': { schema: ref(route.response.schema) } };
    if (route.response.html) ok.content = { 'text/html': { schema: { type: 'string' } } };
    operation.responses = {
      [String(route.response.status)]: ok,
      ...(route.body ? { '400': errorResponse('The body is not valid; the message names the field') } : {}),
      ...(route.public ? {} : { '401': errorResponse('No management secret, or a wrong one') }),
      '403': errorResponse('A remote peer while remote management is not allowed'),
      ...(params.length > 0 ? { '404': errorResponse('No such credential') } : {}),
      '429': errorResponse('Too many failed logins from this address; see retry-after'),
    };
    const path = `${basePath}${route.path}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'switchyard management API', version },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The management secret' },
        managementKey: { type: 'apiKey', in: 'header', name: 'x-management-key', description: 'The management secret' },
      },
    },
  };
}

/** `GET /credentials/{id}/enable` → `getCredentialsByIdEnable`. */
function operationId(route: Route): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith('{') ? 'by-id' : part))
    .join('-');
  const camel = words.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return `${route.method.toLowerCase()}${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}
