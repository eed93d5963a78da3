import express from 'express';

const app = express();

// #region stream-translation
import {
  createStreamTranslator,
  type JsonObject,
  requestToolNames,
  translateError,
  translateRequest,
  translateResponse,
} from 'switchyard/translate';

// An Anthropic Messages endpoint over an OpenAI-compatible service, with no Manager: translation only.
app.post('/anthropic/v1/messages', express.json({ limit: '10mb' }), async (req, res) => {
  const body = req.body as JsonObject;
  const { value } = translateRequest({
    from: 'anthropic-messages',
    to: 'openai-chat',
    body,
    // Who receives it decides the Chat fields: 'openai' (api.openai.com) gets max_completion_tokens and no
    // top_k; any other name, or none, gets what compatible services take (max_tokens, top_k).
    options: { targetProvider: 'openrouter' },
  });
  const upstream = await fetch('https://openrouter.ai/api/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.OPENROUTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  if (!upstream.ok || !upstream.body) {
    const text = await upstream.text();
    const error = translateError({
      from: 'openai-chat',
      to: 'anthropic-messages',
      status: upstream.status,
      body: text,
    });
    res.status(error.status).json(error.body);
    return;
  }
  const toolNames = requestToolNames('anthropic-messages', body);
  if (body.stream !== true) {
    const answer = (await upstream.json()) as JsonObject;
    res.json(translateResponse({ from: 'openai-chat', to: 'anthropic-messages', body: answer, toolNames }).value);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const events = upstream.body.pipeThrough(
    createStreamTranslator({ from: 'openai-chat', to: 'anthropic-messages', toolNames }),
  );
  for await (const chunk of events) res.write(chunk);
  res.end();
});
// #endregion stream-translation
