import { createServer } from 'node:http';
import { createHandler } from 'switchyard/http';
import { createNodeListener } from 'switchyard/node';
import { manager } from './context.js';

// #region reverse-proxy
const clientKey = process.env.CLIENT_KEY;
if (!clientKey) throw new Error('Set CLIENT_KEY: behind a proxy every client looks local, so keys are required');

const handler = createHandler(manager, {
  apiKeys: [clientKey],
  basePath: '/llm', // the proxy forwards /llm/... as is; leave it out when the proxy strips the prefix
  maxBodyBytes: 10 * 1024 * 1024, // keep the proxy's own limit (client_max_body_size) at least this large
});
createServer(createNodeListener(handler)).listen(8317, '127.0.0.1');
// #endregion reverse-proxy
