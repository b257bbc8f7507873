/*
 * Words and offsets, with no page in sight: a span holds whole words, and the server
 * counts offsets in code points where the DOM counts UTF-16 units.
 */

/* A word is a run of letters, digits and combining marks, with an apostrophe, hyphen,
 * point or comma between two of them ("US-backed", "Syria's", "1,000"). */
const WORD = /[\p{L}\p{N}\p{M}]/u;
const JOINER = /['’\-‐.,]/;

function inWord(text, i) {
  if (i < 0 || i >= text.length) return false;
  if (WORD.test(text[i])) return true;
  return JOINER.test(text[i]) && WORD.test(text[i - 1] || "") && WORD.test(text[i + 1] || "");
}

/* [a, b) (UTF-16 units of the sentence's text) trimmed of white space and widened to
   whole words: a selection that ends inside a word takes all of it. */
export function snap(text, a, b) {
  while (a < b && /\s/.test(text[a])) a++;
  while (b > a && /\s/.test(text[b - 1])) b--;
  if (a >= b) return [a, a];
  if (inWord(text, a)) while (inWord(text, a - 1)) a--;
  if (inWord(text, b - 1)) while (inWord(text, b)) b++;
  return [a, b];
}

/* The sentence's words as [start, end) pairs in UTF-16 units. */
export function wordsOf(text) {
  const words = [];
  let i = 0;
  while (i < text.length) {
    if (!inWord(text, i)) {
      i++;
      continue;
    }
    const start = i;
    while (inWord(text, i)) i++;
    words.push([start, i]);
  }
  return words;
}

/* UTF-16 units to code points, and back. */
export function toPoints(text, units) {
  return Array.from(text.slice(0, units)).length;
}

export function toUnits(text, points) {
  return Array.from(text).slice(0, points).join("").length;
}
