// WebMCP in this Chromium (the platform's own document.modelContext, enabled with
// --enable-features=WebMCP; driven through Playwright's page.webmcp as an agent would): the app offers
// its memory as tools acting as the current user, each call is audited, and after a user switch the
// tools act as the new user.
import { describe, expect, inject, it } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { remember } from './app-helpers';

describe('the app as WebMCP tools', () => {
  it('lists the tools, searches, remembers and forgets as the current user, and audits every call', async () => {
    const context = await launchProfile(newProfileDir(), ['--enable-features=WebMCP']);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('webmcp')}#memories`);
    await page.getByText('Memory mode').waitFor();
    await remember(page, 'The spare key is under the blue pot.');
    await expect.poll(async () => (await page.webmcp.tools()).map((t) => t.name).sort()).toEqual(['forget', 'list_cubes', 'remember', 'search_memories']);
    const search = (await page.webmcp.tools()).find((t) => t.name === 'search_memories')!;
    expect(search.inputSchema).toMatchObject({ type: 'object', required: ['query'] });

    const found = (await page.webmcp.callTool('search_memories', { query: 'where is the spare key?' })) as { content: { text: string }[]; structuredContent: { memories: { id: string; text: string }[] } };
    expect(found.structuredContent.memories[0]!.text).toBe('The spare key is under the blue pot.');
    const stored = (await page.webmcp.callTool('remember', { text: 'The wifi password is on the fridge.', tags: ['house'] })) as { structuredContent: { id: string } };
    await expect.poll(() => page.locator('#memories memos-memory-card').count()).toBe(2);
    const forgotten = (await page.webmcp.callTool('forget', { memoryId: stored.structuredContent.id })) as { content: { text: string }[] };
    expect(forgotten.content[0]!.text).toMatch(/^Forgotten/);
    const refused = (await page.webmcp.callTool('forget', { memoryId: 'mem_nope' })) as { isError?: boolean; content: { text: string }[] };
    expect(refused.isError).toBe(true);
    expect(refused.content[0]!.text).toMatch(/^MEMORY_NOT_FOUND/);

    // Read the audit log through the page's own session (a string, so the test runner leaves the import alone).
    const audit = (await page.evaluate(`(async () => {
      const { AppSession } = await import('/src/ui/app-session.ts');
      const s = await AppSession.shared(new URL(location.href).searchParams.get('store'));
      const entries = await s.api.auditLog({ userId: s.userId, cubeId: s.cubeId, actions: ['agent.call'] });
      void AppSession.release(s);
      return entries.map((e) => e.details.tool);
    })()`)) as string[];
    expect(audit.sort()).toEqual(['forget', 'remember', 'search_memories']);

    // Another user: the tools now act as Sam, who cannot see the first user's memories.
    await page.getByRole('tab', { name: 'Users & cubes' }).click();
    const cubes = page.locator('memos-cubes');
    await cubes.getByRole('textbox', { name: 'New user id' }).fill('sam');
    await cubes.getByRole('button', { name: 'Create user' }).click();
    await cubes.getByText('Created sam; you now act as sam').waitFor();
    await expect
      .poll(async () => ((await page.webmcp.callTool('search_memories', { query: 'spare key' })) as { content: { text: string }[] }).content[0]!.text)
      .toBe('No memories match.');
    errors.expectNone();
    await context.close();
  });
});
