import type { Readable } from 'node:stream';

export interface CappedBody {
  body: string;
  bytes: number;
  truncated: boolean;
  /** The bytes kept, when the caller asked for them. */
  raw?: Buffer;
}

/**
 * Reads at most `capBytes` of a response body, then destroys the stream so the rest is never
 * read (undici closes that connection): a scan of a site serving huge files keeps bounded memory.
 *
 * Each chunk is decoded as it arrives and let go; the bytes are gathered into one buffer only
 * when the caller asks for them. A 5 MiB body read into one Buffer first costs a 5 MiB malloc
 * per response, which glibc serves from its main heap once its mmap threshold has grown, and
 * the scanner's RSS kept that heap's high-water mark (about 60 MiB of it on the hostile-site
 * benchmark).
 */
export async function readCappedBody(stream: Readable, capBytes: number, keepRaw = false): Promise<CappedBody> {
  const text = new Utf8Text();
  const kept: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = capBytes - bytes;
    if (buffer.length > room) {
      buffer = buffer.subarray(0, Math.max(room, 0));
      truncated = true;
    }
    if (buffer.length > 0) {
      text.write(buffer);
      if (keepRaw) kept.push(buffer);
      bytes += buffer.length;
    }
    if (truncated) break;
  }
  if (truncated) stream.destroy();
  // A cut at the cap can split a multi-byte character: the incomplete tail is left out rather
  // than decoded as U+FFFD for a character the server sent whole.
  const body = text.end(truncated);
  return { body, bytes, truncated, ...(keepRaw ? { raw: Buffer.concat(kept, bytes) } : {}) };
}

// Not TextDecoder's stream mode: on megabyte bodies it goes through ICU and leaves the scanner's
// memory fragmented. Each piece is decoded on its own, cut where no character is pending (see
// completeUtf8Length), so the pieces read exactly as the whole body decoded at once would:
// U+FFFD for the same invalid bytes, and a byte order mark dropped only at the very start.
const firstPieceDecoder = new TextDecoder('utf-8');
const laterPieceDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 bytes decoded piece by piece into one string. */
export class Utf8Text {
  private readonly pieces: string[] = [];
  /** The incomplete character at the end of the bytes written so far (at most 3 bytes, copied). */
  private pending: Buffer | undefined;
  private started = false;

  write(bytes: Buffer): void {
    const whole = this.pending ? Buffer.concat([this.pending, bytes]) : bytes;
    const complete = completeUtf8Length(whole);
    this.pending = complete < whole.length ? Buffer.from(whole.subarray(complete)) : undefined;
    if (complete > 0) this.decode(whole.subarray(0, complete));
  }

  /** The text; `dropIncomplete` leaves out a character cut off at the end instead of decoding it as U+FFFD. */
  end(dropIncomplete: boolean): string {
    if (this.pending && !dropIncomplete) this.decode(this.pending);
    this.pending = undefined;
    return this.pieces.length === 1 ? (this.pieces[0] ?? '') : this.pieces.join('');
  }

  private decode(bytes: Buffer): void {
    this.pieces.push((this.started ? laterPieceDecoder : firstPieceDecoder).decode(bytes));
    this.started = true;
  }
}

/** The length of `buffer` without a multi-byte UTF-8 sequence cut off at its end. */
export function completeUtf8Length(buffer: Uint8Array): number {
  let start = buffer.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last sequence.
  for (let back = 0; back < 3 && start > 0 && ((buffer[start - 1] ?? 0) & 0xc0) === 0x80; back += 1) start -= 1;
  if (start === 0) return buffer.length;
  const lead = buffer[start - 1] ?? 0;
  const expected = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const present = buffer.length - (start - 1);
  return expected > present ? start - 1 : buffer.length;
}
