import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { ProbeError } from '../core/errors.js';
import type { ProbeFailure } from '../core/finding.js';
import type { HttpResponse, Transport } from '../core/http-types.js';
import { sha256OfText } from '../core/text-digest.js';
import { looksLikeNotFound, type HostCalibration } from '../crawl/index.js';
import type { ItemRoute, RouteProof, RouteVerdict, UnpublishedItem } from './types.js';

/**
 * The anonymous half of an audit: every route of every unpublished item is requested as a
 * visitor would (the transport given here holds no credentials at all), and judged. A route is
 * "reachable" only when its answer proves it served this item: the item's id in the JSON, the
 * item's own body class in the HTML, or a file of the size the CMS recorded. A soft 404, a login
 * page or a theme's catch-all page is not.
 */
export interface VerifyOptions {
  transport: Transport;
  calibration: HostCalibration | undefined;
  concurrency: number;
  progress: (done: number, total: number) => void;
  /** Stop asking (the verdicts so far stay) once this returns a reason. */
  stopped: () => string | undefined;
}

export interface VerifiedItem {
  item: UnpublishedItem;
  verdicts: RouteVerdict[];
}

export async function verifyItems(items: UnpublishedItem[], options: VerifyOptions): Promise<{ verified: VerifiedItem[]; failures: ProbeFailure[] }> {
  const limit = pLimit(options.concurrency);
  const failures: ProbeFailure[] = [];
  const total = items.reduce((sum, item) => sum + item.routes.length, 0);
  let done = 0;
  const verified = await Promise.all(
    items.map(async (item) => ({
      item,
      verdicts: await Promise.all(
        item.routes.map((route) =>
          limit(async (): Promise<RouteVerdict> => {
            const verdict = await verifyRoute(route, options, failures);
            done += 1;
            options.progress(done, total);
            return verdict;
          }),
        ),
      ),
    })),
  );
  return { verified, failures };
}

async function verifyRoute(route: ItemRoute, options: VerifyOptions, failures: ProbeFailure[]): Promise<RouteVerdict> {
  const stopped = options.stopped();
  if (stopped !== undefined) return { route, verdict: 'failed', detail: `not checked: ${stopped}` };
  let response: HttpResponse;
  try {
    response = await options.transport.send({
      method: 'GET',
      url: route.url,
      identity: 'anonymous',
      purpose: 'rule',
      binary: route.proof.kind === 'file',
      headers: { accept: route.proof.kind === 'json-id' ? 'application/json' : route.proof.kind === 'file' ? '*/*' : 'text/html,*/*;q=0.8' },
    });
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error;
    failures.push({ url: route.url, code: error.code, message: error.message });
    // Sent elsewhere: the visitor is not served the item at this URL (the other site may; it is
    // out of scope and not asked).
    if (error.code === 'DL_REDIRECT_OUT_OF_SCOPE') return { route, verdict: 'refused', detail: `redirected out of scope${error.redirectTo ? ` to ${new URL(error.redirectTo).origin}` : ''}` };
    return { route, verdict: 'failed', detail: error.code };
  }
  return judge(route, response, options.calibration);
}

const refusals = new Set([401, 403, 407]);

export function judge(route: ItemRoute, response: HttpResponse, calibration: HostCalibration | undefined): RouteVerdict {
  const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const base = {
    route,
    status: response.status,
    contentType,
    bytes: response.bytes,
    finalUrl: response.url,
    responseHeaders: response.headers,
  };
  if (refusals.has(response.status)) return { ...base, verdict: 'refused', detail: `${response.status}` };
  if (response.status === 404 || response.status === 410) return { ...base, verdict: 'not-found', detail: `${response.status}` };
  if (response.status < 200 || response.status > 299) return { ...base, verdict: 'failed', detail: `answered ${response.status}` };
  if (isLoginPage(response)) return { ...base, verdict: 'refused', detail: 'a login page' };
  if (calibration !== undefined && route.proof.kind !== 'file' && looksLikeNotFound(response, calibration)) {
    return { ...base, verdict: 'not-found', detail: `${response.status}, but the host's not-found page` };
  }
  const proof = proves(route.proof, response, contentType);
  if (!proof.held) return { ...base, verdict: 'not-found', detail: `${response.status}, ${proof.detail}` };
  // The digest of what was served: of the raw bytes when they were kept (a file), else of the
  // text a slice at a time (one `update` of a 5 MiB page would first encode it whole, 15 MiB).
  const sha256 = response.rawBody ? createHash('sha256').update(response.rawBody).digest('hex') : sha256OfText(response.body);
  return { ...base, sha256, verdict: 'reachable', detail: `${response.status} ${contentType || 'no content type'}, ${response.bytes} bytes${proof.detail ? `, ${proof.detail}` : ''}` };
}

function proves(proof: RouteProof, response: HttpResponse, contentType: string): { held: boolean; detail: string } {
  switch (proof.kind) {
    case 'json-id': {
      let json: unknown;
      try {
        json = JSON.parse(response.body);
      } catch {
        return { held: false, detail: 'not JSON' };
      }
      const value = proof.field.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), json);
      return String(value) === proof.id && value !== undefined && value !== null ? { held: true, detail: `the item itself (${proof.field} ${proof.id})` } : { held: false, detail: 'JSON that is not this item' };
    }
    case 'html-marker': {
      const marker = proof.markers.find((name) => hasClassToken(response.body, name));
      return marker === undefined ? { held: false, detail: 'a page that is not this item' } : { held: true, detail: `the item's own page (class ${marker})` };
    }
    case 'html-text': {
      const body = response.body.length > 2_000_000 ? response.body.slice(0, 2_000_000) : response.body;
      const missing = proof.all.find((text) => !body.includes(text));
      if (missing !== undefined) return { held: false, detail: 'a page that is not this item' };
      if (proof.any !== undefined && proof.any.length > 0 && !proof.any.some((text) => body.includes(text))) return { held: false, detail: "a page without the item's own files" };
      return { held: true, detail: "the item's own page (its canonical link)" };
    }
    case 'file': {
      if (response.bytes === 0) return { held: false, detail: 'an empty body' };
      // A theme's HTML page at a file URL is not the file (unless the file is HTML itself).
      if (contentType === 'text/html' && proof.mime !== 'text/html') return { held: false, detail: 'an HTML page, not the file' };
      if (proof.bytes !== undefined && !response.truncated) {
        return response.bytes === proof.bytes
          ? { held: true, detail: 'the size uploaded' }
          : { held: false, detail: `${response.bytes} bytes where the file has ${proof.bytes}` };
      }
      const major = proof.mime?.split('/')[0];
      if (major !== undefined && contentType !== '' && !contentType.startsWith(`${major}/`) && contentType !== 'application/octet-stream') {
        return { held: false, detail: `${contentType} where the file is ${proof.mime}` };
      }
      return { held: true, detail: response.truncated ? 'first bytes read (the body cap)' : 'size not recorded by the CMS' };
    }
  }
}

/** The class attribute token, not a substring: "postid-7" must not match "postid-70". */
function hasClassToken(html: string, token: string): boolean {
  const pattern = new RegExp(`class\\s*=\\s*["'][^"']*(?<![\\w-])${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'i');
  return pattern.test(html.length > 2_000_000 ? html.slice(0, 2_000_000) : html);
}

function isLoginPage(response: HttpResponse): boolean {
  const path = new URL(response.url).pathname.toLowerCase();
  return path.endsWith('/wp-login.php') || /\/(log-?in|sign-?in)(\/|$)/.test(path) || response.redirects.some((hop) => /wp-login\.php|\/log-?in\b/i.test(hop));
}
