import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** performance.now() when the request arrived, for ordering and spacing assertions. */
  at: number;
}

export interface LoopbackServer {
  /** "http://127.0.0.1:<port>" */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted: proves whether a socket was ever opened. */
  connections: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void;

/** A real node:http server on 127.0.0.1, port 0, that records every request it receives. */
export async function startLoopbackServer(handler: Handler, options: { port?: number } = {}): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const state = { connections: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const at = performance.now();
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at,
      };
      requests.push(recorded);
      handler(req, res, recorded);
    });
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // A default port is left out, as a user would type it ("http://127.0.0.1/").
    origin: port === 80 ? 'http://127.0.0.1' : `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Collects things to close after each test, servers and transports alike. */
export class Cleanup {
  private readonly closers: Array<() => Promise<void>> = [];

  add<T extends { close(): Promise<void> }>(closable: T): T {
    this.closers.push(() => closable.close());
    return closable;
  }

  async run(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}
