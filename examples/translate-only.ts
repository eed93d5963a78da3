/**
 * The translation layer alone (no server, no I/O): an Anthropic Messages request turned into an OpenAI
 * Chat request, and an OpenAI Chat answer turned back into an Anthropic message.
 *
 *   npx tsx examples/translate-only.ts
 */
import { translateRequest, translateResponse } from 'switchyard/translate';

const anthropicRequest = {
  model: 'gpt-4o-mini',
  max_tokens: 256,
  system: 'Answer in one word.',
  messages: [{ role: 'user', content: 'hello from translate-only' }],
};

const request = translateRequest({ from: 'anthropic-messages', to: 'openai-chat', body: anthropicRequest });
console.log('OpenAI Chat request:', JSON.stringify(request.value));

// What an OpenAI-compatible server might answer to it.
const openaiAnswer = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
};

const message = translateResponse({ from: 'openai-chat', to: 'anthropic-messages', body: openaiAnswer });
const content = message.value.content as Array<{ type: string; text?: string }>;
console.log('Anthropic message:', JSON.stringify(message.value));
console.log(`reply: ${content.map((b) => b.text ?? '').join('')} (${String(message.value.stop_reason)})`);
if (request.warnings.length + message.warnings.length > 0) console.log('warnings:', request.warnings, message.warnings);
