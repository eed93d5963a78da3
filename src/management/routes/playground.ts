import type { Dialect } from '../../translate/dialect.js';
import { json } from '../respond.js';
import { playgroundInputSchema, providersSchema } from '../schemas.js';
import type { Route } from './types.js';

/** Who playground requests are from, in usage records and hooks. */
export const PLAYGROUND_PRINCIPAL = 'management:playground';

/** The providers the gateway has executors for, and a test request through the Manager. */
export const PLAYGROUND_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/providers',
    summary: 'The provider ids the gateway can serve credentials of (one executor each)',
    response: { status: 200, schema: providersSchema },
    write: false,
    async handle({ manager }) {
      return json(200, { providers: manager.providers() });
    },
  },
  {
    method: 'POST',
    path: '/playground',
    summary:
      'Sends one request through the Manager as a caller of the given dialect would, and answers with its ' +
      'answer as that caller gets it (a stream as server-sent events). x-switchyard-credential, -provider, ' +
      '-model and -attempts say what served it; credentialId forces one credential; usage is recorded under the principal management:playground',
    body: playgroundInputSchema,
    response: { status: 200 },
    write: true,
    async handle({ manager, body, request, audit }) {
      const input = body as {
        dialect: Dialect;
        model?: string;
        stream?: boolean;
        credentialId?: string;
        body: Record<string, unknown>;
      };
      const result = await manager.execute({
        dialect: input.dialect,
        body: input.body,
        ...(input.model ? { model: input.model } : {}),
        ...(input.stream !== undefined ? { stream: input.stream } : {}),
        ...(input.credentialId ? { credentialId: input.credentialId } : {}),
        principal: PLAYGROUND_PRINCIPAL,
        signal: request.signal,
      });
      audit({ playground: input.dialect, credential: result.credentialId });
      return {
        status: result.status,
        headers: {
          ...result.headers,
          'cache-control': 'no-store',
          'x-request-id': result.requestId,
          'x-switchyard-credential': result.credentialId,
          'x-switchyard-provider': result.provider,
          'x-switchyard-model': result.model,
          'x-switchyard-attempts': String(result.attempts),
        },
        body: result.body,
      };
    },
  },
];
