// #region mount-hono
import { Hono } from 'hono';
import { createHonoApp } from 'switchyard/hono';
import { handler } from './context.js'; // @hide

const app = new Hono();
app.route('/llm', createHonoApp(handler));
app.get('/llm/about', (c) => c.json({ ok: true })); // a host route under the mount: still answers
app.notFound((c) => c.json({ error: 'not here' }, 404)); // and /llm/unknown
// #endregion mount-hono

export default app;
