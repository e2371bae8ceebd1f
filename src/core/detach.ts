/**
 * The head of a string, as a string of its own. V8 makes `slice` of a long string a view that
 * keeps the whole original alive, so keeping "the first 256 KiB" of a 5 MiB body would keep all
 * 5 MiB. A copy through a Buffer is a flat string that owns only its own characters. (Bodies come
 * from UTF-8 decoding, so the round trip cannot change them.)
 */
export function detachedHead(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return Buffer.from(text.slice(0, maxChars), 'utf8').toString('utf8');
}

/** A flat copy of a short string cut out of a long one (see detachedHead). */
export function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
