import type { HttpMethod } from '../core/http-types.js';

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number, location: string | undefined): location is string {
  return redirectStatuses.has(status) && location !== undefined && location !== '';
}

/**
 * The method for the next hop, as browsers (and the fetch standard) do it: 303 becomes GET
 * (HEAD stays HEAD), and a POST answered with 301/302 becomes GET. 307/308 keep the method.
 */
export function methodAfterRedirect(status: number, method: HttpMethod): HttpMethod {
  if (status === 303 && method !== 'HEAD') return 'GET';
  if ((status === 301 || status === 302) && method === 'POST') return 'GET';
  return method;
}
