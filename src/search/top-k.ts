/** Keeping the best k of a stream of scored items, highest score first (ties keep arrival order). */

/** A bounded, sorted list of the best `k` items offered. */
export class TopK<T> {
  readonly #k: number;
  readonly #best: { item: T; score: number }[] = [];

  constructor(k: number) {
    this.#k = k;
  }

  /** Whether an item with this score would be kept (check before costly work such as a filter). */
  accepts(score: number): boolean {
    return this.#best.length < this.#k || score > this.#best[this.#best.length - 1]!.score;
  }

  /** Offers an item; it is kept if it is among the best k so far. */
  offer(item: T, score: number): void {
    if (!this.accepts(score)) return;
    const best = this.#best;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { item, score });
    if (best.length > this.#k) best.pop();
  }

  /** The kept items, best first. */
  results(): readonly { item: T; score: number }[] {
    return this.#best;
  }
}
