import type { Finding } from '../core/finding.js';
import type { SarifWebRequest, SarifWebResponse } from './sarif-types.js';

/**
 * The HTTP exchange that proves a finding, in SARIF's webRequest/webResponse shape. GitHub
 * ignores these, but other SARIF viewers show them. The finding must already be sanitised
 * (see sanitize.ts): these functions only reshape.
 */
const protocol = 'HTTP';
// undici speaks HTTP/1.1 to targets; nothing richer is recorded on the finding.
const version = '1.1';

export function toWebRequest(finding: Finding): SarifWebRequest {
  return {
    protocol,
    version,
    method: finding.request.method,
    target: finding.request.url,
    headers: { ...finding.request.headers },
  };
}

export function toWebResponse(finding: Finding): SarifWebResponse {
  const { status, statusText, headers, bodyExcerpt } = finding.response;
  return {
    protocol,
    version,
    statusCode: status,
    // The schema allows an empty reason phrase, but it carries no information.
    ...(statusText === '' ? {} : { reasonPhrase: statusText }),
    headers: { ...headers },
    body: { text: bodyExcerpt },
  };
}
