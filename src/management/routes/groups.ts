import { json } from '../respond.js';
import { groupsSchema } from '../schemas.js';
import type { Route } from './types.js';

/** Credential groups and the client keys limited to them. */
export const GROUP_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/groups',
    summary: 'The credential groups: which credentials are in each, and which client keys are limited to it',
    response: { status: 200, schema: groupsSchema },
    write: false,
    async handle({ manager, clientKeys }) {
      const groups = new Map<string, { credentials: string[]; apiKeys: string[] }>();
      const entry = (name: string) => {
        let g = groups.get(name);
        if (!g) {
          g = { credentials: [], apiKeys: [] };
          groups.set(name, g);
        }
        return g;
      };
      const ungrouped: string[] = [];
      for (const c of manager.credentials()) {
        if (c.group) entry(c.group).credentials.push(c.id);
        else ungrouped.push(c.id);
      }
      for (const k of clientKeys ? await clientKeys.list() : [])
        for (const g of k.groups ?? []) entry(g).apiKeys.push(k.id);
      return json(200, {
        groups: [...groups].map(([name, g]) => ({ name, ...g })).sort((a, b) => a.name.localeCompare(b.name)),
        ungrouped,
      });
    },
  },
];
