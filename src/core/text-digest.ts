import { createHash } from 'node:crypto';

/** UTF-16 code units hashed at a time: about 192 KiB of UTF-8 at most, whatever the text's size. */
const sliceChars = 64 * 1024;

/**
 * SHA-256 of `text` as UTF-8, hex. Fed to the hash a slice at a time, because `update(text)`
 * first encodes the whole string into one buffer three times its length: a 5 MiB answer cost
 * a 15 MiB malloc, which glibc served from its main heap and never gave back (the hostile-site
 * benchmark's scanner kept 15 MiB more RSS to its end). A slice never ends between the two
 * halves of a surrogate pair, so the bytes hashed are exactly the whole text's UTF-8.
 */
export function sha256OfText(text: string): string {
  const hash = createHash('sha256');
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + sliceChars, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    hash.update(text.slice(start, end));
    start = end;
  }
  return hash.digest('hex');
}
