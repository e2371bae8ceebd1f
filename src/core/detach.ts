/**
 * The head of a string, as a string of its own. V8 makes `slice` of a long string a view that
 * keeps the whole original alive, so keeping "the first 256 KiB" of a 5 MiB body would keep all
 * 5 MiB. A copy through a Buffer is a flat string that owns only its own characters. The copy
 * goes through UTF-16 code units, so it is exact even for a surrogate half left by a cut (a UTF-8
 * round trip would turn it into U+FFFD), and V8 still stores a Latin-1 result one byte a character.
 */
export function detachedHead(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return detached(text.slice(0, maxChars));
}

/** A flat copy of a short string cut out of a long one (see detachedHead). */
export function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
