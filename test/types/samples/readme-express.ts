// #region readme-express
import express from 'express';
import { anthropicExecutor, Manager, openaiExecutor } from 'switchyard';
import { createExpressMiddleware } from 'switchyard/express';
import { createHandler } from 'switchyard/http';

const manager = new Manager({
  executors: [openaiExecutor(), anthropicExecutor()],
  credentials: [
    { id: 'claude-a', provider: 'anthropic', apiKey: process.env.ANTHROPIC_KEY_A },
    { id: 'claude-b', provider: 'anthropic', apiKey: process.env.ANTHROPIC_KEY_B },
    { id: 'openai', provider: 'openai', apiKey: process.env.OPENAI_API_KEY, priority: -1 },
  ],
  hooks: { onUsage: (u) => console.log(u.credentialId, u.modelUsed, u.promptTokens, u.completionTokens) },
});

const app = express();
app.use('/llm', createExpressMiddleware(createHandler(manager, { apiKeys: [process.env.CLIENT_KEY!] })));
app.listen(3000); // an OpenAI SDK with baseURL http://localhost:3000/llm/v1 now talks to Claude
// #endregion readme-express
