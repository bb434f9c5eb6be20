/**
 * A cube's topic tree: memories grouped into topics and each large topic into subtopics, by spherical
 * k-means over features that join meaning and words — the memory's vector (when it has one) and its
 * entity keys as sparse weights (their specificity in the cube). Each topic is labelled by its characteristic entities
 * (frequent in the topic, rare in the cube). Deterministic: the same memories give the same tree.
 * New memories join the nearest topic (see {@link assignToTree}) until the tree is rebuilt.
 */
import { seededRandom } from '../core/seeded-random';

/** One memory as clustering sees it. */
export interface TopicInput {
  readonly id: string;
  /** Its embedding (unit length), if it has one. */
  readonly vector?: Float32Array | undefined;
  /** The keys of the entities it names. */
  readonly keys: readonly string[];
}

/** A topic: its label, characteristic entity keys, memories (nearest the centre first) and subtopics. */
export interface TopicNode {
  readonly topicId: string;
  readonly label: string;
  readonly keys: readonly string[];
  readonly memoryIds: string[];
  readonly children: readonly TopicNode[];
  /** The centre of its members' features (for assigning new memories). */
  readonly centroid: Float32Array;
}

/** Weights of meaning and words in the joined features. */
const MEANING = 0.8;
const WORDS = 0.6;
const SAMPLE = 2000;
const ITERATIONS = 8;
/** The share of a cube's memories above which an entity key is too common to shape or name a topic. */
const COMMON = 0.6;

/**
 * Where a tree's features live: the vectors' width, and a dimension per entity key (exact, no hashing)
 * with its specificity in the cube when the tree was built.
 */
export interface TopicSpace {
  readonly meaning: number;
  readonly vocabulary: ReadonlyMap<string, number>;
  readonly idf: readonly number[];
}

/** One memory's features: its scaled vector, and its entity keys as sparse weights. */
interface Point {
  readonly dense: Float32Array;
  readonly index: Int32Array;
  readonly weight: Float32Array;
}

/** A point's features against a centre (dense over meaning + vocabulary). */
function score(point: Point, centre: Float32Array): number {
  let s = 0;
  for (let i = 0; i < point.dense.length; i++) s += point.dense[i]! * centre[i]!;
  const offset = point.dense.length;
  for (let j = 0; j < point.index.length; j++) s += point.weight[j]! * centre[offset + point.index[j]!]!;
  return s;
}

function addInto(sum: Float32Array, point: Point): void {
  for (let i = 0; i < point.dense.length; i++) sum[i]! += point.dense[i]!;
  const offset = point.dense.length;
  for (let j = 0; j < point.index.length; j++) sum[offset + point.index[j]!]! += point.weight[j]!;
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (n === 0) return v;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

/** A point as a dense centre. */
function centreOf(point: Point, width: number): Float32Array {
  const c = new Float32Array(width);
  addInto(c, point);
  return c;
}

/**
 * The features of each memory: [meaning · MEANING, words · WORDS], unit length. A memory without a
 * vector has zeros there; keys outside the space's vocabulary are left out.
 */
function pointsOf(items: readonly TopicInput[], space: TopicSpace): Point[] {
  return items.map((item) => {
    const dense = new Float32Array(space.meaning);
    if (item.vector && item.vector.length === space.meaning) for (let i = 0; i < space.meaning; i++) dense[i] = item.vector[i]! * MEANING;
    const weights = new Map<number, number>();
    for (const key of item.keys) {
      const d = space.vocabulary.get(key);
      if (d !== undefined && space.idf[d]! > 0) weights.set(d, (weights.get(d) ?? 0) + space.idf[d]!);
    }
    let words = 0;
    for (const w of weights.values()) words += w * w;
    const scale = words > 0 ? WORDS / Math.sqrt(words) : 0;
    const index = Int32Array.from(weights.keys());
    const weight = Float32Array.from(weights.values(), (w) => w * scale);
    let norm = 0;
    for (const x of dense) norm += x * x;
    for (const x of weight) norm += x * x;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < dense.length; i++) dense[i]! *= inv;
    for (let j = 0; j < weight.length; j++) weight[j]! *= inv;
    return { dense, index, weight };
  });
}

/**
 * Spherical k-means on a sample, then every point assigned: cluster index per point. The centres start
 * farthest-first (each next one the sample point least like any chosen so far, ties to the earlier
 * point), so a group that shares nothing with the others is never left without a centre.
 */
function kMeans(points: readonly Point[], width: number, k: number, seed: number): { assignment: Int32Array; centroids: Float32Array[] } {
  const n = points.length;
  const sample = n <= SAMPLE ? points.map((_, i) => i) : Array.from({ length: SAMPLE }, (_, i) => Math.floor((i * n) / SAMPLE));
  const first = sample[Math.floor(seededRandom(seed)() * sample.length)]!;
  const centroids: Float32Array[] = [centreOf(points[first]!, width)];
  const best = new Float32Array(sample.length).fill(-Infinity);
  while (centroids.length < k) {
    const last = centroids[centroids.length - 1]!;
    let pick = -1;
    let farthest = -Infinity;
    sample.forEach((p, i) => {
      best[i] = Math.max(best[i]!, score(points[p]!, last));
      const distance = 1 - best[i]!;
      if (distance > farthest + 1e-9) {
        farthest = distance;
        pick = i;
      }
    });
    // Every point is (nearly) a chosen centre already: fewer topics.
    if (pick < 0 || farthest < 1e-6) break;
    centroids.push(centreOf(points[sample[pick]!]!, width));
  }
  const assign = (indices: readonly number[], out: Int32Array) => {
    for (const p of indices) {
      let bestC = 0;
      let bestS = -Infinity;
      centroids.forEach((c, ci) => {
        const s = score(points[p]!, c);
        if (s > bestS) {
          bestS = s;
          bestC = ci;
        }
      });
      out[p] = bestC;
    }
  };
  const assignment = new Int32Array(n);
  for (let it = 0; it < ITERATIONS; it++) {
    assign(sample, assignment);
    const sums = centroids.map(() => new Float32Array(width));
    for (const p of sample) addInto(sums[assignment[p]!]!, points[p]!);
    sums.forEach((sum, ci) => {
      if (sum.some((x) => x !== 0)) centroids[ci] = normalise(sum);
    });
  }
  assign(points.map((_, i) => i), assignment);
  return { assignment, centroids };
}

/** How many topics n memories get (at least 1, at most `max`). */
const topicCount = (n: number, per: number, max: number) => Math.max(1, Math.min(max, Math.round(Math.sqrt(n / per))));

/**
 * Builds the tree, and the space its features live in (for {@link assignToTree}). `nameOf` gives an
 * entity key's display name (for labels); `maxTopics`: top-level topics at most (default 24).
 */
export function buildTopicTree(items: readonly TopicInput[], nameOf: (key: string) => string, options: { maxTopics?: number; seed?: number } = {}): { tree: TopicNode[]; space: TopicSpace } {
  const df = new Map<string, number>();
  for (const item of items) for (const key of new Set(item.keys)) df.set(key, (df.get(key) ?? 0) + 1);
  const vocabulary = new Map([...df.keys()].map((key, i) => [key, i]));
  // A key in more than COMMON of the memories (the cube's owner, "class") characterises nothing.
  const idf = [...df.values()].map((n) => (n > COMMON * items.length && items.length >= 10 ? 0 : Math.log(1 + items.length / n)));
  const space: TopicSpace = { meaning: items.find((i) => i.vector)?.vector?.length ?? 0, vocabulary, idf };
  if (items.length === 0) return { tree: [], space };
  const points = pointsOf(items, space);
  const width = space.meaning + vocabulary.size;
  const label = (members: readonly number[]): { label: string; keys: string[] } => {
    const counts = new Map<string, number>();
    for (const m of members) for (const key of new Set(items[m]!.keys)) counts.set(key, (counts.get(key) ?? 0) + 1);
    const keys = [...counts]
      // A key needs two members to characterise a topic (one, in a topic of one).
      .filter(([key, c]) => c >= Math.min(2, members.length) && idf[vocabulary.get(key)!]! > 0)
      .map(([key, c]) => ({ key, score: (c / members.length) * idf[vocabulary.get(key)!]! }))
      .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1))
      .slice(0, 4)
      .map((x) => x.key);
    return { label: keys.slice(0, 2).map(nameOf).join(' · ') || 'other', keys };
  };
  const cluster = (members: readonly number[], k: number, seed: number, prefix: string, depth: number): TopicNode[] => {
    const { assignment, centroids } = kMeans(members.map((m) => points[m]!), width, Math.min(k, members.length), seed);
    const groups = centroids.map(() => [] as number[]);
    members.forEach((m, i) => groups[assignment[i]!]!.push(m));
    return groups
      .map((group, ci) => ({ group, centroid: centroids[ci]! }))
      .filter((g) => g.group.length > 0)
      .sort((a, b) => b.group.length - a.group.length)
      .map(({ group, centroid }, i) => {
        const topicId = `${prefix}${i + 1}`;
        // Nearest the centre first (each member's closeness computed once, not per comparison).
        const ordered = group
          .map((m) => ({ m, s: score(points[m]!, centroid) }))
          .sort((a, b) => b.s - a.s)
          .map((x) => x.m);
        const children = depth === 0 && group.length >= 12 ? cluster(ordered, topicCount(group.length, 6, 8), seed + i + 1, `${topicId}.`, 1) : [];
        return { topicId, ...label(group), memoryIds: ordered.map((m) => items[m]!.id), children: children.length > 1 ? children : [], centroid };
      });
  };
  return { tree: cluster(items.map((_, i) => i), topicCount(items.length, 3, options.maxTopics ?? 24), options.seed ?? 7, 't', 0), space };
}

/** Every topic and subtopic of a tree, each topic before its subtopics. */
export function topicNodes(tree: readonly TopicNode[]): TopicNode[] {
  return tree.flatMap((node) => [node, ...topicNodes(node.children)]);
}

/** Puts new memories into an existing tree: each joins the topic (and subtopic) whose centre is nearest. */
export function assignToTree(tree: readonly TopicNode[], items: readonly TopicInput[], space: TopicSpace): void {
  if (tree.length === 0 || items.length === 0) return;
  const nearest = (nodes: readonly TopicNode[], p: Point) => {
    let best = nodes[0]!;
    let bestScore = score(p, best.centroid);
    for (const node of nodes.slice(1)) {
      const s = score(p, node.centroid);
      if (s > bestScore) {
        best = node;
        bestScore = s;
      }
    }
    return best;
  };
  pointsOf(items, space).forEach((p, i) => {
    const top = nearest(tree, p);
    top.memoryIds.push(items[i]!.id);
    if (top.children.length > 0) nearest(top.children, p).memoryIds.push(items[i]!.id);
  });
}
