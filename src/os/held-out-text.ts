/**
 * General text that distillation measures forgetting on: perplexity on it before and after training
 * an adapter must stay close. Plain sentences in the register small story models were trained on and
 * general-purpose ones; none of them is about the user. Callers may pass their own.
 */
export const HELD_OUT_TEXT: readonly string[] = [
  'Once upon a time, there was a little dog named Max. Max liked to run in the park with his friends.',
  'The sun was warm and the sky was blue. A small bird sang a happy song in the tall green tree.',
  'Sara wanted to bake a cake for her mother. She asked her brother to help her find the eggs.',
  'The train left the station at nine in the morning and arrived in the city before lunch.',
];
