// fake-indexeddb stands in for the browser's IndexedDB in node tests (the browser tests in test/e2e use
// Chromium's real one). Every test that fails by logging console.error fails loudly.
import 'fake-indexeddb/auto';
import { afterEach, vi } from 'vitest';

const errorSpy = vi.spyOn(console, 'error');
afterEach(() => {
  const calls = errorSpy.mock.calls.length;
  errorSpy.mockClear();
  if (calls > 0) throw new Error(`console.error was called ${calls} time(s) during the test`);
});
