/**
 * memos-web's memory as WebMCP tools: on a page with the Web Model Context API (`document.modelContext`,
 * or `navigator.modelContext` in earlier drafts and polyfills), an agent in the browser can search the
 * user's memories, remember, forget and list cubes — with JSON-schema inputs, the same access rules
 * as every other call (each tool acts as one user), and an "agent.call" audit entry per call, reads
 * included. Nothing is registered where the API is absent.
 */
import { MemosError, isMemosError } from '../core/errors';
import type { MemoryApi } from '../protocol/memory-api';
import { memoryLine } from '../protocol/memory-block';
import { writeCube } from './memory-link';

/** The memory tools there are. */
export type MemoryToolName = 'search_memories' | 'remember' | 'forget' | 'list_cubes' | 'get_memory' | 'update_memory';

const PAGE_TOOLS: readonly MemoryToolName[] = ['search_memories', 'remember', 'forget', 'list_cubes'];

/** What a tool returns, as the WebMCP draft (and MCP) shapes it. */
export interface ToolResult {
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** A tool as `registerTool` takes it. */
export interface ModelContextTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean };
  execute(input: Record<string, unknown>): Promise<ToolResult>;
}

/** The part of the Web Model Context API these tools use. */
export interface ModelContextLike {
  registerTool(tool: ModelContextTool, options?: { signal?: AbortSignal }): unknown;
  unregisterTool?(name: string): void;
}

/** Options of {@link registerMemoryTools}. */
export interface MemoryToolsOptions {
  readonly memos: Pick<MemoryApi, 'search' | 'add' | 'delete' | 'get' | 'update' | 'listCubes' | 'createCube' | 'recordAgentCall'>;
  /** The user every tool acts as. */
  readonly userId: string;
  /** The cubes search reads (default: every cube the user can read). */
  readonly cubeIds?: readonly string[];
  /** Where "remember" writes (default: the first of cubeIds, else the user's first own cube). */
  readonly writeCubeId?: string;
  /**
   * Which tools to offer (default the four of the page: search_memories, remember, forget, list_cubes;
   * get_memory and update_memory when named — the MCP server offers all six). Leave out "forget" to
   * keep agents from deleting.
   */
  readonly tools?: readonly MemoryToolName[];
  /** Unregisters the tools when aborted. */
  readonly signal?: AbortSignal;
  /** The API to register with (default: document.modelContext, else navigator.modelContext). */
  readonly context?: ModelContextLike;
  /** The name audit entries give the agent (default "webmcp"). */
  readonly agent?: string;
  /** Called after a tool changed memories (remember, forget), e.g. to refresh a view. */
  readonly onWrite?: () => void;
}

function pageContext(): ModelContextLike | undefined {
  const doc = (globalThis as { document?: { modelContext?: ModelContextLike } }).document;
  const nav = (globalThis as { navigator?: { modelContext?: ModelContextLike } }).navigator;
  return doc?.modelContext ?? nav?.modelContext;
}

const text = (value: string, structured?: Record<string, unknown>): ToolResult => ({ content: [{ type: 'text', text: value }], ...(structured && { structuredContent: structured }) });

/** A refusal the agent can read (the code and the message), instead of a thrown error. */
function refusal(error: unknown): ToolResult {
  const message = isMemosError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * Registers the memory tools with the page's model context.
 * @returns the names registered (empty when the page has no model context) and a function that removes them
 */
export function registerMemoryTools(options: MemoryToolsOptions): { registered: string[]; unregister(): void } {
  const context = options.context ?? pageContext();
  if (!context) return { registered: [], unregister: () => undefined };
  const wanted = memoryTools(options);
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  for (const tool of wanted) context.registerTool(tool, { signal: controller.signal });
  return {
    registered: wanted.map((t) => t.name),
    unregister() {
      controller.abort();
      // Drafts before the signal option had unregisterTool.
      for (const tool of wanted) {
        try {
          context.unregisterTool?.(tool.name);
        } catch {
          // Already gone (the signal removed it).
        }
      }
    },
  };
}

/**
 * The memory tools as data (name, description, JSON schema, execute), each acting as `options.userId`
 * and auditing its call; WebMCP registers them on a page, the MCP server (integrations/mcp) serves them.
 */
export function memoryTools(options: Omit<MemoryToolsOptions, 'context' | 'signal'>): ModelContextTool[] {
  const { memos, userId } = options;
  const agent = options.agent ?? 'webmcp';
  const audit = async (cubeIds: Iterable<string>, tool: string, memoryIds: readonly string[]): Promise<void> => {
    for (const cubeId of new Set(cubeIds)) await memos.recordAgentCall({ userId, cubeId, agent, tool, memoryIds });
  };
  const all: ModelContextTool[] = [
    {
      name: 'search_memories',
      description: "Searches the user's memories (kept in this browser) by words and meaning. Returns the best matches with their id, date and text.",
      inputSchema: { type: 'object', properties: { query: { type: 'string', description: 'What to look for.' }, limit: { type: 'integer', minimum: 1, maximum: 20, description: 'How many (default 5).' } }, required: ['query'] },
      annotations: { readOnlyHint: true },
      async execute(input) {
        try {
          const query = String(input['query'] ?? '');
          const limit = Math.min(20, Math.max(1, Number(input['limit'] ?? 5) || 5));
          const hits = await memos.search({ userId, query, topK: limit, trackUsage: true, ...(options.cubeIds && { cubeIds: [...options.cubeIds] }) });
          await audit(hits.map((h) => h.memory.cubeId), 'search_memories', hits.map((h) => h.memory.id));
          const memories = hits.map((h) => ({ id: h.memory.id, text: h.memory.text, createdAt: new Date(h.memory.createdAt).toISOString(), score: h.score }));
          return text(hits.length ? hits.map((h, i) => `${memoryLine(h.memory, i + 1)} (id ${h.memory.id})`).join('\n') : 'No memories match.', { memories });
        } catch (error) {
          return refusal(error);
        }
      },
    },
    {
      name: 'remember',
      description: 'Stores a new memory for the user in this browser: a fact, preference or note worth recalling later.',
      inputSchema: { type: 'object', properties: { text: { type: 'string', description: 'What to remember, as one self-contained sentence.' }, tags: { type: 'array', items: { type: 'string' }, maxItems: 8 } }, required: ['text'] },
      async execute(input) {
        try {
          const body = String(input['text'] ?? '');
          const tags = Array.isArray(input['tags']) ? input['tags'].map(String) : [];
          const cubeId = await writeCube(options);
          const [memory] = await memos.add({ userId, cubeId, memory: { text: body, tags } });
          if (!memory) throw new MemosError('INVALID_INPUT', 'Nothing was stored.', { field: 'text' });
          await audit([cubeId], 'remember', [memory.id]);
          options.onWrite?.();
          return text(`Remembered (id ${memory.id}).`, { id: memory.id });
        } catch (error) {
          return refusal(error);
        }
      },
    },
    {
      name: 'forget',
      description: "Deletes one of the user's memories by id (it is archived: the user can restore it).",
      inputSchema: { type: 'object', properties: { memoryId: { type: 'string', description: 'The id search_memories gave.' } }, required: ['memoryId'] },
      async execute(input) {
        try {
          const memoryId = String(input['memoryId'] ?? '');
          const memory = await memos.delete({ userId, memoryId, reason: `${agent} forget` });
          await audit([memory.cubeId], 'forget', [memory.id]);
          options.onWrite?.();
          return text(`Forgotten (id ${memory.id}); the user can restore it.`, { id: memory.id });
        } catch (error) {
          return refusal(error);
        }
      },
    },
    {
      name: 'list_cubes',
      description: "Lists the user's memory cubes (collections) with their ids, names and the user's access.",
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: true },
      async execute() {
        try {
          const cubes = await memos.listCubes({ userId });
          await audit(cubes.map((c) => c.cube.cubeId), 'list_cubes', []);
          const list = cubes.map((c) => ({ id: c.cube.cubeId, name: c.cube.name, access: c.access }));
          return text(list.map((c) => `${c.id}: ${c.name} (${c.access})`).join('\n') || 'No cubes.', { cubes: list });
        } catch (error) {
          return refusal(error);
        }
      },
    },
    {
      name: 'get_memory',
      description: "Reads one of the user's memories by id: its text, tags, cube, version and dates.",
      inputSchema: { type: 'object', properties: { memoryId: { type: 'string', description: 'The id search_memories gave.' } }, required: ['memoryId'] },
      annotations: { readOnlyHint: true },
      async execute(input) {
        try {
          const memory = await memos.get({ userId, memoryId: String(input['memoryId'] ?? ''), trackUsage: true });
          await audit([memory.cubeId], 'get_memory', [memory.id]);
          const view = { id: memory.id, text: memory.text, tags: [...memory.tags], cubeId: memory.cubeId, version: memory.version, state: memory.state, createdAt: new Date(memory.createdAt).toISOString(), updatedAt: new Date(memory.updatedAt).toISOString() };
          return text(`${memory.text} (id ${memory.id}, version ${memory.version}, ${memory.state})`, view);
        } catch (error) {
          return refusal(error);
        }
      },
    },
    {
      name: 'update_memory',
      description: "Changes the text of one of the user's memories by id; the old text stays in its history.",
      inputSchema: { type: 'object', properties: { memoryId: { type: 'string', description: 'The id search_memories gave.' }, text: { type: 'string', description: 'The new text, as one self-contained sentence.' } }, required: ['memoryId', 'text'] },
      async execute(input) {
        try {
          const memory = await memos.update({ userId, memoryId: String(input['memoryId'] ?? ''), patch: { text: String(input['text'] ?? '') } });
          await audit([memory.cubeId], 'update_memory', [memory.id]);
          options.onWrite?.();
          return text(`Updated (id ${memory.id}, version ${memory.version}).`, { id: memory.id, version: memory.version });
        } catch (error) {
          return refusal(error);
        }
      },
    },
  ];
  const names = options.tools ?? PAGE_TOOLS;
  return all.filter((t) => names.includes(t.name as MemoryToolName));
}
