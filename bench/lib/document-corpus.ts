/**
 * A synthetic report for the documents benchmark: N pages, each a section with a heading, shared
 * filler sentences (the same vocabulary on every page, so words alone do not single a page out) and one
 * fact only that page states; a question per page about its fact, worded differently. Seeded, so every
 * run reads the same report. Nothing in memos-web was tuned on it.
 */
import { seededRandom } from '../../src/core/seeded-random';

const DISTRICTS = ['Alder', 'Birchwood', 'Castleford', 'Dunmore', 'Eastgate', 'Fenwick', 'Glenrock', 'Harbourside', 'Ivybridge', 'Juniper', 'Kingsmead', 'Larkhill', 'Millbrook', 'Northfield', 'Oakridge', 'Pinecrest', 'Queensway', 'Riverside', 'Stonebridge', 'Thornbury'];
const TEAMS = ['parks team', 'roads crew', 'library staff', 'housing office', 'youth service', 'recycling unit', 'fire brigade', 'health visitors', 'school board', 'transport desk'];
const ACTIONS: [string, string][] = [['installed', 'install'], ['repaired', 'repair'], ['delivered', 'deliver'], ['inspected', 'inspect'], ['replaced', 'replace'], ['donated', 'donate'], ['painted', 'paint'], ['cleaned', 'clean']];
const ITEMS = ['benches', 'street lamps', 'bicycle racks', 'water fountains', 'smoke alarms', 'laptops', 'bus shelters', 'playground swings', 'heat pumps', 'tree guards', 'bookshelves', 'solar panels'];
const FACILITIES = ['central square', 'community hall', 'primary school', 'sports ground', 'public library', 'health centre', 'railway station', 'market hall', 'swimming pool', 'riverside park'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FILLER = [
  'The committee reviewed the budget for the {d} district and agreed to publish a summary next quarter.',
  'Residents of {d} were invited to comment on the plans at the {f}.',
  'Work by the {t} continued despite the weather, and no accidents were reported.',
  'The council thanks the volunteers who supported the {t} throughout the year.',
  'Further details are available from the district office on request.',
  'Spending stayed within the agreed limits, as the auditors confirmed in their letter.',
  'A public meeting about the {f} will be announced in the newsletter.',
  'Several {i} across the borough are due for review under the maintenance plan.',
];

/** One page of the report and the question about it. */
export interface ReportPage {
  readonly heading: string;
  readonly paragraphs: readonly string[];
  readonly question: string;
  /** The answer's words, for reading the figures. */
  readonly answer: string;
}

/** Makes `pages` pages (default seed 2026). */
export function syntheticReport(pages: number, seed = 2026): ReportPage[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const used = new Set<string>();
  const out: ReportPage[] = [];
  while (out.length < pages) {
    const district = pick(DISTRICTS);
    const items = pick(ITEMS);
    const facility = pick(FACILITIES);
    const key = `${district}|${items}|${facility}`;
    if (used.has(key)) continue;
    used.add(key);
    const team = pick(TEAMS);
    const [action, base] = pick(ACTIONS);
    const count = 3 + Math.floor(random() * 97);
    const month = pick(MONTHS);
    const fill = () =>
      pick(FILLER)
        .replace('{d}', pick(DISTRICTS))
        .replace('{f}', pick(FACILITIES))
        .replace('{t}', pick(TEAMS))
        .replace('{i}', pick(ITEMS));
    const fact = `In ${month} the ${team} ${action} ${count} ${items} at the ${facility} in ${district}.`;
    out.push({
      heading: `${out.length + 1}. ${district}: ${team}`,
      paragraphs: [`${fill()} ${fill()} ${fill()}`, `${fill()} ${fact} ${fill()}`, `${fill()} ${fill()}`],
      question: `How many ${items} did the ${team} ${base} at the ${district} ${facility}?`,
      answer: `${count}`,
    });
  }
  return out;
}
