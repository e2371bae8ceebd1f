import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** One CONNECT the proxy was asked for. */
export interface ConnectRecord {
  /** "host:port" as the client asked it. */
  authority: string;
  proxyAuthorization: string | undefined;
  /** Whether the proxy opened the tunnel (200) or refused it. */
  opened: boolean;
}

export interface ConnectProxy {
  /** "http://127.0.0.1:<port>" */
  origin: string;
  port: number;
  connects: ConnectRecord[];
  /** Local ports of the proxy's sockets to the upstream: a request that came from any other port bypassed the proxy. */
  upstreamPorts: Set<number>;
  /** Plain (non-CONNECT) requests sent to the proxy: a client that should tunnel never sends one. */
  plainRequests: string[];
  close(): Promise<void>;
}

/**
 * A real forward proxy on 127.0.0.1 (node:http's 'connect' event): answers CONNECT host:port by
 * opening a TCP connection there and relaying bytes both ways, as a corporate proxy does. With
 * `requireAuthorization`, a CONNECT without that exact Proxy-Authorization gets 407.
 */
export async function startConnectProxy(options: { requireAuthorization?: string } = {}): Promise<ConnectProxy> {
  const connects: ConnectRecord[] = [];
  const upstreamPorts = new Set<number>();
  const plainRequests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    plainRequests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.writeHead(405).end('this proxy only tunnels');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const authority = req.url ?? '';
    const proxyAuthorization = req.headers['proxy-authorization'];
    const record: ConnectRecord = { authority, proxyAuthorization, opened: false };
    connects.push(record);
    client.on('error', () => undefined);
    if (options.requireAuthorization !== undefined && proxyAuthorization !== options.requireAuthorization) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const colon = authority.lastIndexOf(':');
    const upstream = connect(Number(authority.slice(colon + 1)), authority.slice(0, colon));
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('connect', () => {
      if (upstream.localPort !== undefined) upstreamPorts.add(upstream.localPort);
      record.opened = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!record.opened) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    connects,
    upstreamPorts,
    plainRequests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
