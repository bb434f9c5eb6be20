/**
 * Two small SVG plots, drawn with Lit's svg templates (no chart library: two bar charts do not
 * justify one): what each signal added to a search hit's score, and memories over time by type.
 */
import { html, svg, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { MemoryItem, SemanticType } from '../core/memory-item';
import type { ScoreParts } from '../protocol/search-types';

const SIGNALS = [
  ['words', 'words (BM25)', '#2f5bd3'],
  ['meaning', 'meaning (vectors)', '#7b3fc4'],
  ['preference', 'your preference', '#c4563f'],
  ['recency', 'recency', '#3f8fc4'],
  ['speaker', 'speaker named', '#3fa46a'],
  ['time', 'time named', '#b08a1e'],
  ['session', 'session match', '#6b7280'],
  ['neighbour', 'next to a match', '#0f8a8a'],
  ['graph', 'linked entity', '#a3478f'],
] as const;

/** Horizontal bars: what each ranking signal added to one hit's score. */
export function scoreBreakdownPlot(parts: ScoreParts): TemplateResult {
  const c = parts.contributions;
  const rows = SIGNALS.map(([key, label, colour]) => ({ label, colour, value: c[key] ?? 0 }));
  const max = Math.max(1e-9, ...rows.map((r) => r.value));
  const rowHeight = 16;
  const width = 320;
  const labelWidth = 120;
  return html`<svg class="plot" role="img" aria-label="score breakdown" viewBox="0 0 ${width} ${rows.length * rowHeight}" width=${width} height=${rows.length * rowHeight}>
    ${rows.map(
      (r, i) => svg`<g transform="translate(0 ${i * rowHeight})">
        <text x="0" y="12" font-size="11" fill="currentColor">${r.label}</text>
        <rect x=${labelWidth} y="3" height="10" width=${((width - labelWidth - 50) * r.value) / max} fill=${r.colour}><title>${r.label}: ${r.value.toFixed(5)}</title></rect>
        <text x=${width - 46} y="12" font-size="10" fill="currentColor">${r.value.toFixed(4)}</text>
      </g>`,
    )}
  </svg>`;
}

const TYPE_COLOURS: Record<SemanticType, string> = {
  fact: '#2f5bd3',
  preference: '#c4563f',
  event: '#3fa46a',
  task: '#b08a1e',
  other: '#6b7280',
};

/** Counts per day and semantic type, over the span of the memories (at most `maxDays` most recent days). */
export function countsByDay(memories: readonly MemoryItem[], maxDays = 60): { day: string; counts: Record<SemanticType, number> }[] {
  const byDay = new Map<string, Record<SemanticType, number>>();
  for (const m of memories) {
    // The reader's own calendar day (their time zone), as YYYY-MM-DD for sorting.
    const at = new Date(m.sourceRefs[0]?.spokenAt ?? m.createdAt);
    const day = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
    const counts = byDay.get(day) ?? { fact: 0, preference: 0, event: 0, task: 0, other: 0 };
    counts[m.semanticType] += 1;
    byDay.set(day, counts);
  }
  return [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).slice(-maxDays).map(([day, counts]) => ({ day, counts }));
}

/** Stacked bars: memories per day, coloured by semantic type. */
export function memoriesOverTimePlot(memories: readonly MemoryItem[]): TemplateResult | typeof nothing {
  const days = countsByDay(memories);
  if (days.length === 0) return nothing;
  const height = 120;
  const bar = Math.max(4, Math.min(24, Math.floor(560 / days.length) - 2));
  const width = Math.max(220, days.length * (bar + 2) + 40);
  const max = Math.max(1, ...days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0)));
  const types = Object.keys(TYPE_COLOURS) as SemanticType[];
  return html`<figure class="plot-figure">
    <svg class="plot" role="img" aria-label="memories over time by type" viewBox="0 0 ${width} ${height + 16}" width=${width} height=${height + 16}>
      <text x="0" y="10" font-size="10" fill="currentColor">${max}</text>
      ${days.map((d, i) => {
        let y = height;
        return svg`<g transform="translate(${30 + i * (bar + 2)} 0)">${types.map((t) => {
          const h = (d.counts[t] / max) * (height - 12);
          y -= h;
          return d.counts[t] ? svg`<rect x="0" y=${y} width=${bar} height=${h} fill=${TYPE_COLOURS[t]}><title>${d.day}: ${d.counts[t]} ${t}</title></rect>` : nothing;
        })}</g>`;
      })}
      <text x="30" y=${height + 13} font-size="10" fill="currentColor">${days[0]!.day}</text>
      ${days.length > 1 ? svg`<text x=${width - 70} y=${height + 13} font-size="10" fill="currentColor">${days[days.length - 1]!.day}</text>` : nothing}
    </svg>
    <figcaption>${types.map((t) => html`<span class="legend"><span class="swatch" style="background:${TYPE_COLOURS[t]}"></span>${t}</span> `)}</figcaption>
  </figure>`;
}
