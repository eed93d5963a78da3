import { HttpError } from '../../http/error-response.js';
import type { UsageDimension, UsageSink } from '../../observe/usage/types.js';
import { json } from '../respond.js';
import { usageAggregatesSchema, usageQuerySchema, usageRecordPageSchema, usageRecordsQuerySchema } from '../schemas.js';
import type { Route } from './types.js';

function usageOr404(usage: UsageSink | undefined): UsageSink {
  if (!usage) throw new HttpError(404, 'not_found', 'This gateway keeps no usage ledger');
  return usage;
}

/** The usage ledger: aggregates and cursor pages of records. */
export const USAGE_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/usage',
    summary:
      'Totals from the usage ledger (requests, errors, each kind of token, cost per currency), grouped by ' +
      'client key, credential, provider and model and by UTC hour or day',
    query: usageQuerySchema,
    response: { status: 200, schema: usageAggregatesSchema },
    write: false,
    async handle({ usage, query }) {
      const sink = usageOr404(usage);
      const { groupBy, ...rest } = query as { groupBy?: string };
      const aggregates = await sink.aggregate({
        ...rest,
        ...(groupBy ? { groupBy: groupBy.split(',') as UsageDimension[] } : {}),
      });
      return json(200, { aggregates });
    },
  },
  {
    method: 'GET',
    path: '/usage/records',
    summary: 'Usage records, newest first, a page at a time (pass nextCursor as cursor for the next page)',
    query: usageRecordsQuerySchema,
    response: { status: 200, schema: usageRecordPageSchema },
    write: false,
    async handle({ usage, query }) {
      return json(200, await usageOr404(usage).records(query));
    },
  },
];
