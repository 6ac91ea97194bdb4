/**
 * The case-insensitive key the list sorts and searches by; stored beside the name so no store needs
 * collations (FerretDB has none).
 */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The highest code point: a key range [p, p + MAX) holds exactly the keys starting with p. */
export const PREFIX_END = '\u{10FFFF}';

/**
 * Orders keys as SQLite's BINARY collation and MongoDB do: by code point (UTF-8 bytes), which
 * JavaScript's `<` (UTF-16 code units) gets wrong only around surrogate pairs.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
