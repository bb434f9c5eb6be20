// The page script of examples/ai-sdk-chat.html. In an app of your own the imports are
// 'memos-web' and 'memos-web/ai-sdk', with the memos-web Vite plugin serving the workers; here they
// come from this repository's sources.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText, wrapLanguageModel } from 'ai';
import '../src/client/bundled-runtime';
import { MemosClient } from '../src/index';
import { memoryMiddleware } from '../src/integrations/ai-sdk';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const client = await MemosClient.open({ name: 'ai-sdk-example', embedder: new URL(location.href).searchParams.get('embedder') === 'none' ? 'none' : 'use-lite' });
const users = await client.api.listUsers(undefined);
if (!users.some((u) => u.userId === 'me')) await client.api.createUser({ userId: 'me', name: 'Me' });

async function showMemories(): Promise<void> {
  const hits = await client.api.search({ userId: 'me', query: '', topK: 20, trackUsage: false });
  $('#memories').replaceChildren(...hits.map((h) => Object.assign(document.createElement('li'), { textContent: h.memory.text })));
}

$('#chat').addEventListener('submit', async (event) => {
  event.preventDefault();
  const provider = createOpenAICompatible({ name: 'server', baseURL: $<HTMLInputElement>('#server').value });
  const model = wrapLanguageModel({
    model: provider.chatModel($<HTMLInputElement>('#model').value),
    middleware: memoryMiddleware({ memos: client.api, userId: 'me', sessionId: 'ai-sdk-example' }),
  });
  const answer = $('#answer');
  answer.textContent = '';
  try {
    const result = streamText({ model, prompt: $<HTMLTextAreaElement>('#message').value });
    for await (const piece of result.textStream) answer.textContent += piece;
  } catch (error) {
    answer.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  await showMemories();
});

await showMemories();
document.body.dataset['ready'] = 'true';
