// The plan of a search, made from the query alone (no store): speakers, advice, named times, pool sizes
// and matched terms.
import { describe, expect, it } from 'vitest';
import { matchedTerms, planQuery, type QueryPlanInput } from '../../src/search/query-plan';

const NOW = Date.UTC(2026, 5, 15, 12);
const base: QueryPlanInput = { query: '', mode: 'hybrid', timeInQuery: 'boost', filters: {}, topK: 10, candidatesPerHit: 5, now: NOW, isSpeaker: (name) => name === 'melanie' || name === 'caroline' };

describe('the plan of a search', () => {
  it('leaves the speakers the query names out of the full-text query and remembers them', () => {
    const plan = planQuery({ ...base, query: "What did Melanie's sister paint?" });
    expect([...plan.named]).toEqual(['melanie']);
    expect(plan.textQuery).toBe('What did sister paint');
    expect(plan.skipText).toBe(false);
  });

  it('skips the full-text side for a query of names alone, and in vector mode', () => {
    expect(planQuery({ ...base, query: 'Caroline' }).skipText).toBe(true);
    expect(planQuery({ ...base, query: 'pottery class', mode: 'vector' }).skipText).toBe(true);
    expect(planQuery({ ...base, query: '' }).skipText).toBe(false);
  });

  it('tells an advice-seeking query from a factual one', () => {
    expect(planQuery({ ...base, query: 'What would you recommend for dinner?' }).advice).toBe(true);
    expect(planQuery({ ...base, query: 'When did I move to Oslo?' }).advice).toBe(false);
  });

  it('narrows the filters to a named time only when the time is a filter', () => {
    const boosted = planQuery({ ...base, query: 'what did I do last week', filters: { from: 0 } });
    expect(boosted.namedTime).toBeDefined();
    expect(boosted.filters).toEqual({ from: 0 });
    const filtered = planQuery({ ...base, query: 'what did I do last week', timeInQuery: 'filter', filters: { from: 0 } });
    expect(filtered.filters.from).toBe(filtered.namedTime!.from);
    expect(filtered.filters.to).toBe(filtered.namedTime!.to - 1);
    expect(planQuery({ ...base, query: 'what did I do last week', timeInQuery: 'ignore' }).namedTime).toBeUndefined();
  });

  it('sizes the candidate pool by topK, at least 50', () => {
    expect(planQuery({ ...base, query: 'x', topK: 5 }).pool).toBe(50);
    expect(planQuery({ ...base, query: 'x', topK: 40 }).pool).toBe(200);
    expect(planQuery({ ...base, query: 'x', topK: 40 }).limit).toBe(90);
  });

  it('lists the content words of the query a text holds, stop words left out', () => {
    const plan = planQuery({ ...base, query: 'the genmaicha tea I like' });
    expect(matchedTerms(plan, 'Favourite tea is genmaicha')).toEqual(['genmaicha', 'tea']);
    expect(matchedTerms(plan, 'the and of')).toEqual([]);
  });
});
