// #region setup
import { anthropicExecutor, Manager, openaiExecutor } from 'switchyard';
import { createHandler } from 'switchyard/http';

const manager = new Manager({
  executors: [openaiExecutor(), anthropicExecutor()],
  credentials: [
    { id: 'claude-a', provider: 'anthropic', apiKey: process.env.ANTHROPIC_KEY_A },
    { id: 'openai', provider: 'openai', apiKey: process.env.OPENAI_API_KEY },
  ],
});
const handler = createHandler(manager, { apiKeys: ['sk-gateway'] });

// #endregion setup

export { handler };
