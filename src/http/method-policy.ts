import type { HttpMethod, HttpRequest } from '../core/http-types.js';
import { ProbeError } from '../core/errors.js';
import { graphqlBodyProblem, graphqlUrlProblem } from '../core/graphql-operation.js';

/**
 * The scanner is read-only: GET and HEAD always, POST only for a GraphQL query. The
 * `readOnlyGraphql` flag says what the caller meant; the body is parsed here all the same,
 * so a flag set by mistake (or a rule that skipped validation) cannot send a mutation.
 * Everything else is refused before a socket opens.
 */
export function allowedMethod(request: HttpRequest, parsedUrl?: URL): HttpMethod {
  // Callers in plain JS may pass "get"; compare upper-case so case cannot slip past the check.
  const method = String(request.method).toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    // `parsedUrl`, when given, must be request.url as the transport parsed it: the URL object it
    // sends. The check reads that, so what is checked is what goes on the wire.
    const problem = graphqlUrlProblem(parsedUrl ?? request.url);
    if (problem !== undefined) throw new ProbeError('DL_METHOD_NOT_ALLOWED', request.url, `${method} refused: ${problem}`);
    return method;
  }
  if (method === 'POST') {
    if (request.readOnlyGraphql !== true) {
      throw new ProbeError('DL_METHOD_NOT_ALLOWED', request.url, 'POST is allowed only for read-only GraphQL queries (readOnlyGraphql)');
    }
    const problem = graphqlBodyProblem(request.body);
    if (problem !== undefined) throw new ProbeError('DL_METHOD_NOT_ALLOWED', request.url, `POST refused: ${problem}`);
    return method;
  }
  throw new ProbeError('DL_METHOD_NOT_ALLOWED', request.url, `method ${method} is not allowed: draftleak is read-only`);
}
