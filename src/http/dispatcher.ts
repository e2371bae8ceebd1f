import { createRequire } from 'node:module';
import type { Agent, Dispatcher, ProxyAgent } from 'undici';
import type { ResolvedTransportOptions } from './options.js';
import { proxyEndpoint } from './proxy.js';

// The Agent from its own file, not from undici's index: the index loads fetch, WebSocket,
// EventSource, the cache and cookie code too (111 modules, 75-100 ms of every scan's start),
// of which a scan without --proxy uses none; the Agent needs 24 of them. With --proxy the index
// is loaded: it also gives every dispatcher the connect() the ProxyAgent opens its tunnels with.
// undici is pinned (package.json); tests/http/dispatcher.test.ts checks that this is the class
// undici exports, and tests/http/proxy.test.ts that tunnels still work.
const requireModule = createRequire(import.meta.url);
const agentClass = (): typeof Agent => requireModule('undici/lib/dispatcher/agent.js') as typeof Agent;
const proxyAgentClass = (): typeof ProxyAgent => (requireModule('undici') as { ProxyAgent: typeof ProxyAgent }).ProxyAgent;

/**
 * The dispatcher every exchange of a transport goes through: our own Agent, or, with --proxy,
 * undici's ProxyAgent, which opens every connection as an HTTP CONNECT tunnel through the proxy
 * (for http:// targets too: proxyTunnel is on, so the proxy relays bytes and never sees a request
 * it could rewrite or cache). Never the global dispatcher: its limits and timeouts are the scan's,
 * and nothing else in the process can change them. Redirects are not followed by undici (no
 * redirect interceptor is composed; undici 7 dropped the per-request maxRedirections option),
 * because every hop must pass the scope check first. The proxy is only the road: what is in scope
 * is still decided by the target (scope.ts), before anything reaches the dispatcher.
 */
export function createDispatcher(settings: ResolvedTransportOptions): Dispatcher {
  const pool = {
    connections: settings.concurrencyPerHost,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    keepAliveTimeout: 4_000, // undici's default, stated: sockets are reused between probes
  };
  const tls = { timeout: settings.timeoutMs, rejectUnauthorized: !settings.insecure };
  if (settings.proxy === undefined) return new (agentClass())({ ...pool, connect: tls });
  const { uri, token } = proxyEndpoint(settings.proxy);
  const ProxyAgentClass = proxyAgentClass();
  return new ProxyAgentClass({
    ...pool,
    uri,
    ...(token === undefined ? {} : { token }),
    proxyTunnel: true,
    // The target's TLS runs inside the tunnel; the proxy's own certificate is always verified.
    requestTls: tls,
    proxyTls: { timeout: settings.timeoutMs },
  });
}
