import type { Dispatcher } from 'undici';
import { exchangeOnWire, type WireAnswer, type WireRequest } from '../../src/http/wire-exchange.js';

/**
 * A dispatcher that answers with the given body chunks, through the same handler calls undici
 * makes (start, response start, data per chunk, end), and stops sending once the handler
 * aborts: the body reading of src/http/wire-exchange.ts without a socket. `sent()` says how
 * many chunks were handed over before it stopped.
 */
export function chunkDispatcher(chunks: Iterable<Buffer>, answer: { status?: number; headers?: Record<string, string> } = {}): { dispatcher: Dispatcher; sent: () => number; aborted: () => boolean } {
  let sent = 0;
  let aborted = false;
  const dispatcher = {
    dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const controller = {
        abort: () => {
          aborted = true;
        },
        pause: () => undefined,
        resume: () => undefined,
        get aborted() {
          return aborted;
        },
        get paused() {
          return false;
        },
        get reason() {
          return null;
        },
      } as unknown as Dispatcher.DispatchController;
      queueMicrotask(() => {
        handler.onRequestStart?.(controller, {});
        handler.onResponseStart?.(controller, answer.status ?? 200, answer.headers ?? {}, 'OK');
        for (const chunk of chunks) {
          if (aborted) return;
          sent += 1;
          handler.onResponseData?.(controller, chunk);
        }
        if (!aborted) handler.onResponseEnd?.(controller, {});
      });
      return true;
    },
  } as unknown as Dispatcher;
  return { dispatcher, sent: () => sent, aborted: () => aborted };
}

/** A GET of http://127.0.0.1/ that reads its body, with what a test changes. */
export function wireRequest(changes: Partial<WireRequest> = {}): WireRequest {
  return { url: new URL('http://127.0.0.1/'), method: 'GET', headers: {}, body: undefined, bodyCapBytes: Number.POSITIVE_INFINITY, binary: false, discardBody: () => false, ...changes };
}

/** Reads `chunks` as one GET answer with the body cap given. */
export function readChunks(chunks: Iterable<Buffer>, capBytes: number, binary = false): Promise<WireAnswer> {
  const { dispatcher } = chunkDispatcher(chunks);
  return exchangeOnWire(dispatcher, wireRequest({ bodyCapBytes: capBytes, binary })).answer;
}
