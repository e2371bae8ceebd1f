import { Tokenizer } from 'htmlparser2';

/**
 * htmlparser2's Tokenizer with one loop done natively. With entities left undecoded (as
 * html-links.ts parses), the tokenizer skips text, comments and quoted attribute values by
 * looking for the one character that can end them (`<`, `-`, a quote); its `fastForwardTo` does
 * that with a charCodeAt loop in JavaScript, which was 9% of a 5,000-page crawl's CPU (about
 * 80 µs for a 20 KB page). `String.prototype.indexOf` finds the same character, natively.
 *
 * It overrides a private method, so it rests on htmlparser2's internals: the version is pinned
 * (package.json), and tests/fuzz/fast-tokenizer.test.ts checks on generated HTML that every
 * callback is called with the same arguments, in the same order, as by the stock tokenizer.
 */
export class FastTokenizer extends Tokenizer {}

/** The tokenizer's own fields the override reads and sets (private in its type declarations). */
interface TokenizerPosition {
  /** The chunk being read. */
  buffer: string;
  /** Where the chunk starts in the whole input. */
  offset: number;
  /** The position in the whole input being looked at. */
  index: number;
}

/**
 * What the stock `fastForwardTo(c)` does: moves `index` forward to the next `c` after it and says
 * true, or, when the chunk holds none, to the chunk's last character and says false (the parse
 * loop then steps past it).
 */
function fastForwardTo(this: TokenizerPosition, c: number): boolean {
  const found = this.buffer.indexOf(String.fromCharCode(c), this.index + 1 - this.offset);
  if (found >= 0) {
    this.index = found + this.offset;
    return true;
  }
  this.index = this.buffer.length + this.offset - 1;
  return false;
}

Object.defineProperty(FastTokenizer.prototype, 'fastForwardTo', { value: fastForwardTo, writable: true, configurable: true });
