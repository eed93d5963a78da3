// #region mount-express
import express from 'express';
import { createExpressMiddleware } from 'switchyard/express';
import { handler } from './context.js'; // @hide

const app = express();
app.use('/llm', createExpressMiddleware(handler)); // before express.json(): see "Body parsers"
app.use(express.json());
app.get('/llm/about', (_req, res) => {
  res.json({ ok: true }); // a host route under the mount: still answers
});
app.use((_req, res) => {
  res.status(404).json({ error: 'not here' }); // /llm/unknown lands here, not in switchyard's 404
});
// #endregion mount-express
