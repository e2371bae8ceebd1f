import { randomBytes } from 'node:crypto';
import { ProbeError } from '../core/errors.js';
import type { ProbeFailure } from '../core/finding.js';
import type { HttpResponse, Transport } from '../core/http-types.js';
import { sha256OfText } from '../core/text-digest.js';

/**
 * Per-host calibration: how does this host answer a path that cannot exist? A "200" proves
 * nothing on a host that answers 200 to everything (SPAs, catch-all routes, soft-404 themes), so
 * before rules trust a status code, three impossible paths are requested and their answers kept
 * as fingerprints that later responses are compared with.
 */

export type CalibrationProbeKind = 'page' | 'wp-json' | 'api';

export interface CalibrationProbe {
  kind: CalibrationProbeKind;
  /** The impossible URL that was requested. */
  url: string;
  /** The random token in that URL. */
  token: string;
  /** Where the answer came from after redirects. */
  finalUrl: string;
  status: number;
  contentType: string;
  /** Body length in characters with the requested URL, path and token removed. */
  bytes: number;
  /** <title> with the echo removed, when the body has one. */
  title?: string;
  /** sha256 (hex) of the body with the echo removed. */
  bodyHash: string;
  /** The title or the start of the body says "not found" although the status may be 2xx. */
  saysNotFound: boolean;
}

export interface HostCalibration {
  origin: string;
  probes: CalibrationProbe[];
  /** True when an impossible path answered 2xx: status codes alone prove nothing on this host. */
  catchAll: boolean;
  failures: ProbeFailure[];
}

export interface CalibrateOptions {
  /** Random hex source; tests inject a fixed one. */
  randomHex?: () => string;
}

const defaultRandomHex = (): string => randomBytes(8).toString('hex');

/**
 * Sends the three calibration requests (five for a target under a path: two more under its
 * prefix) and records how the host answered.
 */
export async function calibrateHost(origin: string, transport: Transport, options: CalibrateOptions = {}): Promise<HostCalibration> {
  const base = new URL(origin).origin;
  const randomHex = options.randomHex ?? defaultRandomHex;
  const plan: Array<{ kind: CalibrationProbeKind; token: string; path: (token: string) => string; accept: string }> = [
    { kind: 'page', token: `draftleak-${randomHex()}`, path: (token) => `/${token}-does-not-exist`, accept: 'text/html,*/*;q=0.8' },
    { kind: 'wp-json', token: `draftleak-${randomHex()}`, path: (token) => `/wp-json/${token}`, accept: 'application/json,*/*;q=0.8' },
    { kind: 'api', token: `draftleak-${randomHex()}`, path: (token) => `/api/${token}`, accept: 'application/json,*/*;q=0.8' },
  ];
  // A site installed under a path (https://h/blog/) answers missing paths there with its own
  // not-found page, not the origin's: rules probe under that prefix, so it is learnt too.
  const prefix = new URL(origin).pathname.replace(/\/+$/, '');
  if (prefix !== '') {
    plan.push(
      { kind: 'page', token: `draftleak-${randomHex()}`, path: (token) => `${prefix}/${token}-does-not-exist`, accept: 'text/html,*/*;q=0.8' },
      { kind: 'wp-json', token: `draftleak-${randomHex()}`, path: (token) => `${prefix}/wp-json/${token}`, accept: 'application/json,*/*;q=0.8' },
    );
  }
  const failures: ProbeFailure[] = [];
  const probes: CalibrationProbe[] = [];
  // One after another: three requests are cheap, and a fixed order keeps logs and tests stable.
  for (const { kind, token, path, accept } of plan) {
    const url = `${base}${path(token)}`;
    try {
      const response = await transport.send({ method: 'GET', url, headers: { accept } });
      probes.push(probeFromResponse(kind, token, response));
    } catch (error) {
      if (!(error instanceof ProbeError)) throw error;
      failures.push({ url, code: error.code, message: error.message });
    }
  }
  return { origin: base, probes, catchAll: probes.some((probe) => isSuccess(probe.status)), failures };
}

function probeFromResponse(kind: CalibrationProbeKind, token: string, response: HttpResponse): CalibrationProbe {
  const body = stripEcho(response.body, [response.requestedUrl, response.url], [token]);
  const title = titleOf(body);
  return {
    kind,
    url: response.requestedUrl,
    token,
    finalUrl: response.url,
    status: response.status,
    contentType: response.headers['content-type'] ?? '',
    bytes: body.length,
    ...(title === undefined ? {} : { title }),
    bodyHash: sha256OfText(body),
    saysNotFound: saysNotFound(title, body),
  };
}

/**
 * True when the response is most likely this host's answer to a missing path: a 404/410; or the
 * same body as a calibration answer once the requested URL is removed (covers catch-all pages
 * and soft 404s that echo the path); or, with the same kind of status, the same title and a body
 * within ±5 % of the size.
 */
export function looksLikeNotFound(response: HttpResponse, calibration: HostCalibration): boolean {
  if (response.status === 404 || response.status === 410) return true;
  const body = stripEcho(response.body, [response.requestedUrl, response.url], []);
  // Hashed only when a probe's body is as long: most answers are compared by length alone, and a
  // big one is not read again for nothing.
  let hash: string | undefined;
  const hashOfBody = (): string => (hash ??= sha256OfText(body));
  const title = titleOf(body);
  return calibration.probes.some((probe) => {
    const sameStatus = statusClass(probe.status) === statusClass(response.status);
    // An empty body only matches an empty body of the same status: a HEAD answer is always empty.
    if (probe.bytes === body.length && probe.bodyHash === hashOfBody() && (body.length > 0 || probe.status === response.status)) return true;
    if (!sameStatus || title === undefined || title === '' || probe.title !== title) return false;
    const larger = Math.max(probe.bytes, body.length);
    return larger === 0 || Math.abs(probe.bytes - body.length) / larger <= 0.05;
  });
}

/** One or two sentences for the report about how the host answers impossible paths. */
export function describe(calibration: HostCalibration): string {
  const { origin, probes } = calibration;
  if (probes.length === 0) return `${origin} could not be calibrated: every calibration request failed`;
  const page = probes.find((probe) => probe.kind === 'page');
  const sentences: string[] = [];
  if (page) {
    const redirect = page.finalUrl !== page.url ? ` (after a redirect to ${new URL(page.finalUrl).pathname})` : '';
    if (!isSuccess(page.status)) {
      sentences.push(`${origin} answers unknown paths with ${page.status}${redirect}`);
    } else if (page.saysNotFound) {
      sentences.push(
        `${origin} answers unknown paths with ${page.status} and a not-found page${redirect} (soft 404); findings there need content proof`,
      );
    } else {
      sentences.push(`${origin} answers ${page.status} with the same page to every path${redirect} (catch-all); findings there need content proof`);
    }
  }
  const apiCatchAll = probes.filter((probe) => probe.kind !== 'page' && isSuccess(probe.status));
  if (apiCatchAll.length > 0) {
    const paths = apiCatchAll.map((probe) => `/${probe.kind === 'wp-json' ? 'wp-json' : 'api'}/…`).join(' and ');
    sentences.push(`unknown API paths under ${paths} also answer ${apiCatchAll.map((probe) => probe.status).join('/')}`);
  }
  return sentences.join('; ');
}

export { describe as describeCalibration };

const notFoundWords = /\b(not found|404|page not found|does not exist|doesn't exist|no longer exists|nothing (was )?found|no such page|page missing)\b/i;

function saysNotFound(title: string | undefined, body: string): boolean {
  if (title !== undefined && notFoundWords.test(title)) return true;
  return notFoundWords.test(body.slice(0, 4096).replace(/<[^>]*>/g, ' '));
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function statusClass(status: number): number {
  return Math.floor(status / 100);
}

function titleOf(body: string): string | undefined {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body.slice(0, 65536));
  return match ? (match[1] ?? '').replace(/\s+/g, ' ').trim() : undefined;
}

/**
 * Removes every form in which a page may echo the requested URL: the full URLs, path with query,
 * path, last segment, each percent-encoded, decoded and HTML-escaped, and any draftleak token.
 * Longest first, so removing "/a/b" does not leave half of "http://h/a/b" behind.
 */
export function stripEcho(body: string, urls: string[], tokens: string[]): string {
  const variants = new Set<string>();
  const addForms = (value: string): void => {
    // Very short paths ("/a") also occur in markup ("</a>"); removing them would damage the body.
    if (value.length < 4) return;
    const forms = [value, safeDecode(value), encodeURI(value), encodeURIComponent(value)];
    for (const form of forms) {
      variants.add(form);
      variants.add(form.replace(/&/g, '&amp;'));
      variants.add(form.replace(/\//g, '\\/'));
    }
  };
  for (const raw of urls) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    addForms(url.href);
    addForms(`${url.origin}${url.pathname}`);
    addForms(`${url.host}${url.pathname}${url.search}`);
    addForms(`${url.pathname}${url.search}`);
    addForms(url.pathname);
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    const last = segments[segments.length - 1];
    if (last !== undefined && last.length >= 6) addForms(last);
  }
  for (const token of tokens) addForms(token);
  let out = body;
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    if (out.includes(variant)) out = out.split(variant).join('');
  }
  return out.replace(/draftleak-[0-9a-f]{8,}(-does-not-exist)?/g, '');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
