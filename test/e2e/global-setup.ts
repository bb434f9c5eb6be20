// Starts the Vite dev server once for all browser tests and hands its address to them.
import type { TestProject } from 'vitest/node';
import { createServer, type ViteDevServer } from 'vite';

let server: ViteDevServer | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  server = await createServer({ configFile: 'vite.config.ts', logLevel: 'warn', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('The dev server has no port');
  project.provide('baseUrl', `http://127.0.0.1:${address.port}`);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
