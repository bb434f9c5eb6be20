// The contrast check the theme and screen-size tests share: every visible text whose contrast against
// what is behind it is below WCAG 2.1 AA (4.5:1, 3:1 for large text). Disabled controls are exempt.
import type { Page } from 'playwright-core';

/** Every visible text whose contrast is below the AA minimum: "tab · text · ratio · colours". */
export function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (value: string): number[] => (value.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]): number =>
      [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
    const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null);
    const backgroundOf = (el: Element): number[] => {
      for (let at: Element | null = el; at; at = parentOf(at)) {
        const [r, g, b, a = 1] = parse(getComputedStyle(at).backgroundColor);
        if (a >= 0.5) return [r!, g!, b!];
      }
      return parse(getComputedStyle(document.body).backgroundColor);
    };
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot): void => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (el.closest('svg') || el.closest('[hidden]') || (el as HTMLElement).closest?.(':disabled')) continue;
        const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
        if (!text || el.getClientRects().length === 0) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || Number(style.opacity) < 1) continue;
        const fg = parse(style.color);
        const bg = backgroundOf(el);
        const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
        const ratio = (hi! + 0.05) / (lo! + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) found.push(`${text.slice(0, 40)} · ${ratio.toFixed(2)} · ${style.color} on rgb(${bg.join(', ')})`);
      }
    };
    visit(document);
    return found;
  });
}
