const MAX_TERMS = 12;

/**
 * Turns what a person typed into an FTS5 query: each word becomes a quoted prefix term and all
 * must match. Quoting every term means FTS5 operators in the input are taken as plain words,
 * so no input can make the MATCH expression invalid. Null when there is nothing to search for.
 */
export function ftsQuery(text: string | undefined): string | null {
  const words = text?.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, MAX_TERMS)
    .map((w) => `"${w}"*`)
    .join(' AND ');
}

/** Tags as stored: lower case, trimmed, unique, at most 20 of 40 characters each. */
export function normaliseTags(text: string | undefined): string[] {
  const tags = (text ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase().slice(0, 40))
    .filter((t) => t !== '');
  return [...new Set(tags)].slice(0, 20);
}
