// #region mount-fastify
import Fastify from 'fastify';
import { createFastifyPlugin } from 'switchyard/fastify';
import { handler } from './context.js'; // @hide

const app = Fastify();
await app.register(createFastifyPlugin(handler), { prefix: '/llm' });
app.get('/llm/about', async () => ({ ok: true })); // a host route under the prefix: still answers
app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not here' })); // and /llm/unknown
// #endregion mount-fastify
