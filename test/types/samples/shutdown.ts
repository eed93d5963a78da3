import express from 'express';
import { createExpressMiddleware } from 'switchyard/express';
import { handler, manager } from './context.js';

const app = express();
app.use('/llm', createExpressMiddleware(handler));
// #region shutdown
let stopping = false;
app.get('/ready', (_req, res) => {
  res.sendStatus(stopping ? 503 : 200); // tell the load balancer first (switchyard's /healthz stays 200)
});
const server = app.listen(3000);

process.once('SIGTERM', async () => {
  stopping = true;
  // New requests to the mount get a 503 `closed` error in their caller's dialect; requests and streams
  // in flight get 15 s to finish, then are aborted (a stream ends with an error event).
  const draining = manager.close({ graceMs: 15_000 });
  // No new connections; a kept-alive connection is closed once its answer is done.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  await draining;
  server.closeAllConnections(); // whatever still lingers past the grace period
  clearInterval(sweep);
  await closed;
});
// #endregion shutdown
