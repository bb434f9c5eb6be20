// Reading LoCoMo conversations (Maharana et al., ACL 2024) as messages with their real times.
import { readFileSync } from 'node:fs';
import type { ChatMessage } from '../../src/protocol/memory-types';

/** One LoCoMo question with the dia_ids of its evidence. */
export interface LocomoQuestion {
  readonly question: string;
  readonly category: number;
  readonly evidence: readonly string[];
}

/** One conversation, as sessions of messages. */
export interface LocomoConversation {
  readonly id: string;
  readonly sessions: readonly { readonly sessionId: string; readonly time: number; readonly messages: readonly ChatMessage[] }[];
  readonly questions: readonly LocomoQuestion[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Parses LoCoMo's session times ("1:56 pm on 8 May, 2023") as UTC epoch ms. */
export function parseLocomoTime(text: string): number {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(text);
  if (!m) throw new Error(`Unreadable LoCoMo time: ${text}`);
  const month = MONTHS.indexOf(m[5]!.toLowerCase());
  if (month < 0) throw new Error(`Unknown month in ${text}`);
  const hour = (Number(m[1]) % 12) + (m[3]!.toLowerCase() === 'pm' ? 12 : 0);
  return Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

/** The dia_ids in an evidence entry ("D8:6; D9:17", and the odd "D:11:26"). */
export function evidenceIds(entry: string): string[] {
  return [...entry.matchAll(/D:?(\d+):(\d+)/g)].map((m) => `D${m[1]}:${m[2]}`);
}

interface RawTurn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}

/** Reads a LoCoMo file. A shared image becomes "[shares a photo: caption]" after the turn's text. */
export function readLocomo(path: string): LocomoConversation[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { sample_id: string; conversation: Record<string, unknown>; qa: { question: string; category: number; evidence?: string[] }[] }[];
  return raw.map((c) => {
    const sessions = Object.keys(c.conversation)
      .filter((k) => /^session_\d+$/.test(k) && Array.isArray(c.conversation[k]))
      .sort((a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1]))
      .map((key) => {
        const time = parseLocomoTime(String(c.conversation[`${key}_date_time`]));
        const turns = c.conversation[key] as RawTurn[];
        // Turns have no times of their own: one minute apart from the session's start keeps their order.
        const messages: ChatMessage[] = turns.map((t, i) => ({
          role: 'user',
          speaker: t.speaker,
          id: t.dia_id,
          timestamp: time + i * 60_000,
          content: t.blip_caption ? `${t.text} [shares a photo: ${t.blip_caption}]` : t.text,
        }));
        return { sessionId: `${c.sample_id}/${key}`, time, messages };
      });
    const questions = c.qa.map((q) => ({ question: q.question, category: q.category, evidence: (q.evidence ?? []).flatMap(evidenceIds) }));
    return { id: c.sample_id, sessions, questions };
  });
}

/** The recall@k cut-offs the LoCoMo benchmarks report. */
export const RECALL_KS = [1, 5, 10, 20] as const;

/** Question categories scored for recall (5, adversarial, has no evidence). */
export const LOCOMO_CATEGORIES: Readonly<Record<number, string>> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop' };

/** Something that searches like MemOS (kept structural so this file needs no src/ imports beyond types). */
interface Searcher {
  search(params: { userId: string; query: string; cubeIds: string[]; topK: number; trackUsage: false }): Promise<readonly { memory: { sourceRefs: readonly { messageId?: string | undefined }[] } }[]>;
}

/** Asks every scored question of every conversation; returns recall per category and latencies. */
export async function locomoRecall(os: Searcher, userId: string, conversations: readonly LocomoConversation[]): Promise<{ table: Record<string, number | string>[]; latencies: number[] }> {
  const sums = new Map<string, { n: number; recall: number[] }>();
  const latencies: number[] = [];
  for (const c of conversations) {
    for (const q of c.questions) {
      if (!(q.category in LOCOMO_CATEGORIES) || q.evidence.length === 0) continue;
      const t0 = performance.now();
      const hits = await os.search({ userId, query: q.question, cubeIds: [c.id], topK: Math.max(...RECALL_KS), trackUsage: false });
      latencies.push(performance.now() - t0);
      const evidence = new Set(q.evidence);
      for (const key of [LOCOMO_CATEGORIES[q.category]!, 'overall']) {
        const row = sums.get(key) ?? { n: 0, recall: RECALL_KS.map(() => 0) };
        row.n++;
        RECALL_KS.forEach((k, i) => {
          const found = new Set(hits.slice(0, k).flatMap((h) => h.memory.sourceRefs.map((r) => r.messageId)));
          row.recall[i]! += [...evidence].filter((id) => found.has(id)).length / evidence.size;
        });
        sums.set(key, row);
      }
    }
  }
  const table = [...Object.values(LOCOMO_CATEGORIES), 'overall']
    .filter((k) => sums.has(k))
    .map((k) => {
      const row = sums.get(k)!;
      return { category: k, questions: row.n, ...Object.fromEntries(RECALL_KS.map((kk, i) => [`R@${kk}`, Number((row.recall[i]! / row.n).toFixed(3))])) };
    });
  return { table, latencies };
}
