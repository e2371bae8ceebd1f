import type { Dispatcher } from 'undici';
import { Utf8Text, type CappedBody } from './body.js';
import { normalizeResponseHeaders } from './headers.js';

/** One request as it goes on the wire: no redirect, retry or policy is decided here. */
export interface WireRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Body bytes read at most; the connection is closed past them, so the rest is never read. */
  bodyCapBytes: number;
  /** Keep the raw bytes of the body as well as its text. */
  binary: boolean;
  /** Whether the body of this answer will be read by nobody (a redirect, a 429 to retry): it is drained, not decoded. */
  discardBody: (status: number, headers: Record<string, string>) => boolean;
}

export interface WireAnswer extends CappedBody {
  status: number;
  statusText: string;
  headers: Record<string, string>;
}

/** Bytes of a body nobody reads that are drained so the connection can be reused: undici's own dump() limit. */
const drainLimitBytes = 128 * 1024;

const emptyBody: CappedBody = { body: '', bytes: 0, truncated: false };

/**
 * One exchange through undici's dispatch API, the body read by a handler as it arrives.
 *
 * Why not undici's request(): it wraps every answer in a Readable stream, which we then read
 * with an async iterator, and listens to an AbortSignal of its own. On a scan of 20,000 small
 * answers that machinery was most of undici's share of the CPU (BENCHMARKS.md); a handler that
 * decodes chunks as they come does the same reading without it.
 *
 * `abort` ends the exchange at any time, before the request is even written (it then fails at
 * once, not when a connection frees), with the reason given: the caller's deadline or the scan
 * stopping.
 */
export function exchangeOnWire(dispatcher: Dispatcher, request: WireRequest): { answer: Promise<WireAnswer>; abort: (reason: unknown) => void; phase: () => 'headers' | 'body' } {
  let resolveAnswer!: (answer: WireAnswer) => void;
  let rejectAnswer!: (error: unknown) => void;
  const answer = new Promise<WireAnswer>((resolve, reject) => {
    resolveAnswer = resolve;
    rejectAnswer = reject;
  });
  const handler = new CappedBodyHandler(request, resolveAnswer, rejectAnswer);
  const path = request.url.search === '' ? request.url.pathname : `${request.url.pathname}${request.url.search}`;
  try {
    dispatcher.dispatch(
      { origin: request.url.origin, path, method: request.method as Dispatcher.HttpMethod, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) },
      handler,
    );
  } catch (error) {
    handler.fail(error);
  }
  return { answer, abort: (reason) => handler.abort(reason), phase: () => (handler.status === 0 ? 'headers' : 'body') };
}

class CappedBodyHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: unknown;
  private aborted = false;
  private settled = false;
  /** The final answer's status once its headers came (0 before): which phase a deadline cut. */
  status = 0;
  private statusText = '';
  private headers: Record<string, string> = {};
  private discarding = false;
  private bytes = 0;
  private truncated = false;
  private text: Utf8Text | undefined;
  private raw: Buffer[] | undefined;

  constructor(
    private readonly request: WireRequest,
    private readonly resolve: (answer: WireAnswer) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  abort(reason: unknown): void {
    if (this.settled || this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    // Settled now, whether or not undici has started the request: a request waiting for a
    // connection must not hold its caller until one frees.
    this.fail(reason);
    this.controller?.abort(reason instanceof Error ? reason : new Error(String(reason)));
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(this.aborted ? this.abortReason : error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(this.abortReason instanceof Error ? this.abortReason : new Error(String(this.abortReason)));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    // 1xx answers (100 Continue, 103 Early Hints) come before the real one.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.headers = normalizeResponseHeaders(headers);
    this.discarding = this.request.method === 'HEAD' || this.request.discardBody(statusCode, this.headers);
    if (!this.discarding) {
      this.text = new Utf8Text();
      if (this.request.binary) this.raw = [];
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.discarding) {
      this.bytes += chunk.length;
      if (this.bytes > drainLimitBytes) {
        // Too much to drain: the connection is closed instead, and the status is what we came for.
        this.succeed(emptyBody);
        controller.abort(new Error('body not read'));
      }
      return;
    }
    const room = this.request.bodyCapBytes - this.bytes;
    let piece = chunk;
    if (piece.length > room) {
      piece = piece.subarray(0, Math.max(room, 0));
      this.truncated = true;
    }
    if (piece.length > 0) {
      this.text?.write(piece);
      this.raw?.push(piece);
      this.bytes += piece.length;
    }
    if (this.truncated) {
      // The rest is never read: the connection is closed, and what was read is the answer.
      this.succeed(this.body());
      controller.abort(new Error('body cap reached'));
    }
  }

  onResponseEnd(): void {
    this.succeed(this.discarding ? emptyBody : this.body());
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // A body nobody reads that breaks off while draining costs nothing: the status and headers
    // are what we came for.
    if (this.discarding && !this.aborted) this.succeed(emptyBody);
    else this.fail(error);
  }

  private body(): CappedBody {
    // A cut at the cap can split a multi-byte character: the incomplete tail is left out rather
    // than decoded as U+FFFD for a character the server sent whole.
    const body = this.text?.end(this.truncated) ?? '';
    return { body, bytes: this.bytes, truncated: this.truncated, ...(this.raw ? { raw: Buffer.concat(this.raw, this.bytes) } : {}) };
  }

  private succeed(content: CappedBody): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, statusText: this.statusText, headers: this.headers, ...content });
  }
}
