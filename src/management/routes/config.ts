import { ConfigError } from '../../core/errors.js';
import { HttpError } from '../../http/error-response.js';
import { json } from '../respond.js';
import { configTextSchema, okSchema } from '../schemas.js';
import type { Route } from './types.js';

/** The running config: read masked, replace whole. */
export const CONFIG_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/config',
    summary: 'The running config as YAML, every secret masked (404 when the gateway was not built from a config)',
    response: { status: 200, schema: configTextSchema },
    write: false,
    async handle({ config }) {
      if (!config) throw new HttpError(404, 'not_found', 'This gateway was not built from a config file');
      return json(200, { yaml: await config.read() });
    },
  },
  {
    method: 'PUT',
    path: '/config',
    summary:
      'Replaces the config: validated like the loader does and applied by the reload path, or refused whole (400) when invalid. ' +
      'Secrets left masked as GET showed them keep their running value (by path); a mask with no secret to keep is refused naming its path. ' +
      'Send {"yaml": "..."} as JSON or the file itself as application/yaml or text/plain',
    body: configTextSchema,
    text: true,
    response: { status: 200, schema: okSchema },
    write: true,
    async handle({ config, body, text, audit }) {
      if (!config) throw new HttpError(404, 'not_found', 'This gateway was not built from a config file');
      const yaml = text ?? (body as { yaml: string }).yaml;
      try {
        await config.write(yaml);
      } catch (err) {
        if (err instanceof ConfigError) throw new HttpError(400, 'invalid_request', err.message);
        throw err;
      }
      audit({ config: 'replaced', bytes: yaml.length });
      return json(200, { ok: true });
    },
  },
];
