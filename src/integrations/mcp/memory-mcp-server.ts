/**
 * memos-web's memory tools (integrations/webmcp.ts: search, remember, get, update, forget, list cubes)
 * served over the Model Context Protocol with the official SDK, for agents outside the browser. Each
 * call acts as one user, under the same access rules as every other call, and is audited ("agent.call").
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { memoryTools, type MemoryToolName, type MemoryToolsOptions } from '../webmcp';

/** Every tool the MCP server offers by default. */
export const MCP_TOOLS: readonly MemoryToolName[] = ['search_memories', 'remember', 'get_memory', 'update_memory', 'forget', 'list_cubes'];

/** An MCP server (not yet connected to a transport) whose tools read and write `options.memos`. */
export function memoryMcpServer(options: Omit<MemoryToolsOptions, 'context' | 'signal'>, version = '0.2.0'): Server {
  const tools = memoryTools({ agent: 'mcp', tools: MCP_TOOLS, ...options });
  const server = new Server({ name: 'memos-web', version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema as { type: 'object' }, ...(t.annotations && { annotations: t.annotations }) })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = tools.find((t) => t.name === request.params.name);
    if (!tool) return { content: [{ type: 'text', text: `INVALID_INPUT: there is no tool ${request.params.name}.` }], isError: true };
    return { ...(await tool.execute(request.params.arguments ?? {})) };
  });
  return server;
}
