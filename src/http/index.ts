/**
 * The network edge of draftleak: the only module that opens sockets. Everything else talks to
 * the `Transport` interface in core/http-types.
 */
export { createUndiciTransport, type TransportStats, type UndiciTransport } from './undici-transport.js';
export { defaultUserAgent, type TransportOptions } from './options.js';
export { createScope, isInScope, type Scope } from './scope.js';
export { parseRetryAfter } from './retry.js';
export { parseProxyUrl } from './proxy.js';
