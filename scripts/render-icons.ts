// Renders public/icon.svg to the PNG sizes the web app manifest lists (192 and 512, plus a maskable
// 512 with a safe margin), with Debian's Chromium. Run when the icon changes: npx tsx scripts/render-icons.ts
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../test/support/chromium';

const svg = readFileSync('public/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
for (const [size, name, padding] of [
  [192, 'icon-192.png', 0],
  [512, 'icon-512.png', 0],
  [512, 'icon-maskable-512.png', 0.1],
] as const) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const inner = Math.round(size * (1 - 2 * padding));
  await page.setContent(`<body style="margin:0;background:${padding ? "#2f5bd3" : "transparent"};display:grid;place-items:center;height:${size}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</body>`);
  await page.screenshot({ path: `public/${name}`, omitBackground: padding === 0 });
  await page.close();
}
await browser.close();
console.log('icons written to public/');
