/**
 * The case-insensitive key the list sorts and searches by; stored beside the name so no store needs
 * collations (FerretDB has none).
 */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The highest code point: a key range [p, p + MAX) holds exactly the keys starting with p. */
export const PREFIX_END = '\u{10FFFF}';
