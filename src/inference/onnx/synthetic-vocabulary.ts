/**
 * A made-up llama2.c-style vocabulary of any size for synthetic models: the three special pieces, the
 * 256 byte pieces, printable ASCII, then ever longer pieces of lowercase letters and spaces, scored so
 * that shorter pieces merge first. Turned into a tokenizer.json by {@link llama2cToTokenizerJson}, it
 * tokenises any text (unknown characters fall back to bytes), which is all a timing run needs.
 */
import type { Llama2cPiece, Llama2cVocabulary } from '../tokenizers/llama2c-tokenizer';

const LETTERS = ' etaoinshrdlucmfwypvbgkjqxz';

/** A vocabulary of exactly `size` pieces (at least 259 + 95). */
export function syntheticVocabulary(size: number): Llama2cVocabulary {
  const pieces: Llama2cPiece[] = [
    { text: '<unk>', score: 0 },
    { text: '\n<s>\n', score: 0 },
    { text: '\n</s>\n', score: 0 },
  ];
  for (let b = 0; b < 256; b++) pieces.push({ text: `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, score: 0 });
  const seen = new Set<string>();
  const add = (text: string): void => {
    if (pieces.length < size && !seen.has(text)) {
      seen.add(text);
      pieces.push({ text, score: -pieces.length });
    }
  };
  for (let c = 32; c < 127; c++) add(String.fromCharCode(c));
  let layer = [...LETTERS];
  while (pieces.length < size) {
    const next: string[] = [];
    for (const prefix of layer) {
      for (const letter of LETTERS) {
        if (pieces.length >= size) break;
        const text = prefix + letter;
        if (text.includes('  ') || (text.length > 1 && text.endsWith(' '))) continue;
        add(text);
        next.push(text);
      }
    }
    if (next.length === 0) break;
    layer = next;
  }
  return { maxTokenLength: Math.max(...pieces.map((p) => p.text.length)), pieces };
}
