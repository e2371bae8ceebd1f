import type { HttpMethod, HttpRequest } from '../core/http-types.js';
import { ProbeError } from '../core/errors.js';

/**
 * The scanner is read-only: GET and HEAD always, POST only for a query a rule declares as
 * read-only GraphQL. Everything else is refused before a socket opens.
 */
export function allowedMethod(request: HttpRequest): HttpMethod {
  // Callers in plain JS may pass "get"; compare upper-case so case cannot slip past the check.
  const method = String(request.method).toUpperCase();
  if (method === 'GET' || method === 'HEAD') return method;
  if (method === 'POST') {
    if (request.readOnlyGraphql === true) return method;
    throw new ProbeError(
      'DL_METHOD_NOT_ALLOWED',
      request.url,
      'POST is allowed only for read-only GraphQL queries (readOnlyGraphql)',
    );
  }
  throw new ProbeError('DL_METHOD_NOT_ALLOWED', request.url, `method ${method} is not allowed: draftleak is read-only`);
}
