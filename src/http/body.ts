export interface CappedBody {
  body: string;
  bytes: number;
  truncated: boolean;
  /** The bytes kept, when the caller asked for them. */
  raw?: Buffer;
}

// Bodies are decoded chunk by chunk as they arrive (src/http/wire-exchange.ts), each chunk let
// go once decoded; the bytes are gathered into one buffer only when the caller asks for them. A
// 5 MiB body read into one Buffer first costs a 5 MiB malloc per response, which glibc serves
// from its main heap once its mmap threshold has grown, and the scanner's RSS kept that heap's
// high-water mark (about 60 MiB of it on the hostile-site benchmark).

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
