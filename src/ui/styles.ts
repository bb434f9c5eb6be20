/**
 * Styles every element shares. Colours and radii come from custom properties (--memos-fg, --memos-bg,
 * --memos-accent, --memos-border, --memos-muted, --memos-radius, --memos-font), so a host page can
 * theme the elements; the main regions are also exposed as CSS parts.
 */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    display: block;
    font-family: var(--memos-font, system-ui, sans-serif);
    color: var(--memos-fg, #1d2130);
    --_border: var(--memos-border, #d0d4dc);
    --_muted: var(--memos-muted, #555b6a);
    --_accent: var(--memos-accent, #2f5bd3);
    --_accent-text: var(--memos-accent-text, #2450c4);
    --_radius: var(--memos-radius, 8px);
    /* A long word or URL breaks anywhere rather than widening the page (inherited by everything). */
    overflow-wrap: anywhere;
    min-width: 0;
    max-width: 100%;
  }
  * { box-sizing: border-box; min-width: 0; }
  input, select, textarea { max-width: 100%; }
  pre, code { white-space: pre-wrap; }
  button, select, input, textarea { font: inherit; }
  button {
    padding: 0.25rem 0.7rem; border-radius: 6px; border: 1px solid var(--_border);
    background: var(--memos-button-bg, #fff); color: inherit; cursor: pointer;
  }
  button.primary { background: var(--_accent); border-color: var(--_accent); color: var(--memos-on-accent, #fff); }
  button:disabled { opacity: 0.55; cursor: default; }
  :focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; margin: 0.5rem 0; }
  .box { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem; margin: 0.75rem 0; background: var(--memos-card-bg, #fff); }
  .muted { color: var(--_muted); font-size: 0.85rem; }
  .error { background: var(--memos-error-bg, #fde8e8); border: 1px solid var(--memos-error-border, #f2b8b8); padding: 0.4rem 0.7rem; border-radius: 6px; margin: 0.5rem 0; color: var(--memos-error-fg, #7a1414); }
  .ok { color: var(--memos-ok, #1f6b3a); }
  .badge { display: inline-block; border: 1px solid var(--_border); background: var(--memos-chip-bg, #eef1f6); border-radius: 999px; padding: 0.15rem 0.7rem; font-size: 0.85rem; }
  a { color: var(--_accent-text); }
  h2 { font-size: 1.05rem; margin: 1rem 0 0.5rem; }
  h3 { font-size: 0.95rem; margin: 0.75rem 0 0.4rem; }
  /* A wide table scrolls inside itself instead of widening the page (positioned, so that a visually
     hidden header inside it, which is absolutely positioned, scrolls with it instead of widening the page). */
  table { border-collapse: collapse; width: 100%; font-size: 0.85rem; display: block; overflow-x: auto; position: relative; }
  /* Table cells and buttons keep their words whole (a table scrolls instead); only the page's text breaks anywhere. */
  th, td, button { overflow-wrap: break-word; }
  th, td { text-align: left; padding: 0.3rem 0.4rem; border-bottom: 1px solid var(--_border); vertical-align: top; }
  progress { width: 10rem; }
  .plot { color: var(--_muted); max-width: 100%; height: auto; }
  .legend { font-size: 0.75rem; margin-right: 0.6rem; }
  .swatch { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 2px; margin-right: 0.25rem; vertical-align: middle; }
  /* Fingers need bigger targets than a mouse pointer. */
  @media (pointer: coarse) {
    button, select, input:not([type='checkbox']):not([type='radio']), [role='tab'] { min-height: 40px; }
    input[type='checkbox'], input[type='radio'] { min-width: 24px; min-height: 24px; }
  }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** Bytes as a short human figure. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return '—';
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

let timeFormat: Intl.DateTimeFormat | undefined;

/**
 * A stored time (UTC epoch ms) as the reader's browser shows dates and times: their locale and time
 * zone (e.g. "8 May 2023, 14:30" or "May 8, 2023, 2:30 PM"), or a dash.
 */
export function formatTime(ms: number | null | undefined, format: Intl.DateTimeFormat = (timeFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }))): string {
  return ms == null || !Number.isFinite(ms) ? '—' : format.format(new Date(ms));
}
