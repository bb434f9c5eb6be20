// What the USE tokenizer uses of tfjs-core (see tokenizer-without-tfjs.ts): util.fetch.
export const util = { fetch: (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => fetch(input, init) };
