import express, { type RequestHandler } from 'express';
import { Manager } from 'switchyard';
import { credentials, executors } from './context.js';

declare const requireAdmin: RequestHandler;
const app = express();
// #region cooldowns
const manager = new Manager({
  executors,
  credentials,
  quotaExceeded: 'skip-model', // a 429 cools the credential for that model only ('skip-auth': for all)
  cooldowns: { maxCooldownMs: 10 * 60_000, transientMs: 15_000 }, // cap upstream reset hints at 10 min
});
// #endregion cooldowns
// #region status
app.get('/admin/llm', requireAdmin, async (_req, res) => {
  const status = await manager.status(); // never a secret
  res.json({
    closing: status.closing,
    inFlight: status.inFlight,
    credentials: status.credentials.map((c) => ({
      id: c.id,
      available: c.available,
      inFlight: c.inFlight,
      circuit: c.circuit,
      cooling: c.cooldowns.map((d) => `${d.model}: ${d.reason} until ${new Date(d.until).toISOString()}`),
      lastError: c.lastErrorKind,
      remainingRequests: c.quota?.remainingRequests,
    })),
  });
});
// #endregion status
