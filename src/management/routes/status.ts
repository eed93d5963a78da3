import { json } from '../respond.js';
import { modelsSchema, statusSchema } from '../schemas.js';
import type { Route } from './types.js';

/** The Manager's state and the models it serves. */
export const STATUS_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/status',
    summary:
      'Every credential with in-flight count, cooldowns per model (reason, until), circuit, disabled, last error and quota',
    response: { status: 200, schema: statusSchema },
    write: false,
    async handle({ manager, version, startedAt, now }) {
      const status = await manager.status();
      return json(200, { version, startedAt, uptimeSeconds: Math.floor((now() - startedAt) / 1000), ...status });
    },
  },
  {
    method: 'GET',
    path: '/models',
    summary: 'The model names clients can ask for, and what each credential serves',
    response: { status: 200, schema: modelsSchema },
    write: false,
    async handle({ manager, request }) {
      const models = await manager.listModels({ signal: request.signal });
      const credentials = manager.credentials().map((c) => {
        const entry: Record<string, unknown> = { id: c.id, provider: c.provider };
        if (c.models) entry.models = c.models;
        if (c.excludedModels) entry.excludedModels = c.excludedModels;
        if (c.prefix) entry.prefix = c.prefix;
        return entry;
      });
      return json(200, { models, credentials });
    },
  },
];
