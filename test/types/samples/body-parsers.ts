import express from 'express';
import { createExpressMiddleware } from 'switchyard/express';
import { handler } from './context.js';

const app = express();
// #region body-parsers
const json = express.json();
app.use((req, res, next) => (req.path === '/llm' || req.path.startsWith('/llm/') ? next() : json(req, res, next)));
app.use('/llm', createExpressMiddleware(handler));
// #endregion body-parsers
