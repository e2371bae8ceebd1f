import { ProbeError } from '../core/errors.js';
import type { HttpResponse, Transport } from '../core/http-types.js';
import { evaluateLenient, type JSONValue } from '../engine/expression.js';
import { checkedRegex } from '../engine/safe-regex.js';
import { judgeMatcher, regexTextOf } from '../engine/matchers.js';
import { detached } from '../core/detach.js';
import { toResponseDocument, type ResponseDocument } from '../engine/response-document.js';
import type { ApiRootSource, EvidenceSource, Fingerprint, FingerprintKind, Signal, VersionSource } from './fingerprint-schema.js';

/** A CMS counts as detected from this confidence on. */
export const detectionThreshold = 0.5;
/** From this confidence on, a CMS gets no more probes (unless one could still tell its version). */
export const decisiveConfidence = 0.95;
export const defaultMaxProbes = 30;

export interface Detection {
  cms: string;
  name: string;
  kind: FingerprintKind;
  version?: string;
  /** 1 - Π(1 - weight) over the signals that matched, rounded to 3 decimals. */
  confidence: number;
  /** Matched signal ids, each with short evidence where there is some ("generator-meta: WordPress 6.1.9"). */
  signals: string[];
  /** API roots the matched signals revealed (absolute URLs). */
  apiRoots: string[];
}

export interface DetectOptions {
  target: string;
  /** Responses the crawl already fetched; passive signals are evaluated on all of them. */
  responses: HttpResponse[];
  transport: Transport;
  fingerprints: Fingerprint[];
  /** At most this many probe requests for the whole pass. */
  maxProbes?: number;
  /** What was judged ahead of the pass, while the crawl waited (see PassiveJudge); made here when absent. */
  judge?: PassiveJudge;
}

export interface DetectResult {
  /** CMSs with confidence ≥ 0.5, most confident first. */
  detections: Detection[];
  /** CMSs with some evidence below the threshold (for --explain). */
  candidates: Detection[];
  probesSent: number;
  /** API roots of every detected CMS, deduplicated. */
  apiRoots: string[];
}

type ProbeSignal = Signal & { probe: NonNullable<Signal['probe']> };
type PassiveSignal = Signal & { passive: NonNullable<Signal['passive']> };

const passiveSignalsOf = (fingerprint: Fingerprint): PassiveSignal[] => fingerprint.signals.filter((signal): signal is PassiveSignal => signal.passive !== undefined);

interface Hit {
  version?: string;
  evidence?: string;
  apiRoots: string[];
}

const kindOrder: Record<FingerprintKind, number> = { cms: 0, headless: 1, frontend: 2 };

/** The target as probes see it: origin plus base path, without a trailing slash. */
function baseOf(target: string): URL {
  const url = new URL(target);
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

function baseString(base: URL): string {
  return `${base.origin}${base.pathname === '/' ? '' : base.pathname}`;
}


// Detections outlive the pass, and a capture from a page is a V8 slice that keeps the whole
// body alive: what is kept is a copy of its own.
function clean(text: string, max: number): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return undefined;
  return detached(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

/** "6.1." -> "6.1"; a loop, because /\.+$/ backtracks quadratically on a long run of dots inside. */
function withoutTrailingDots(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '.') end -= 1;
  return text.slice(0, end);
}

function scalarText(value: JSONValue): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length > 0 ? scalarText(value[0] ?? null) : undefined;
  return undefined;
}

function extractVersion(source: VersionSource, response: ResponseDocument, document: JSONValue): string | undefined {
  if ('value' in source) return source.value;
  if ('json' in source) {
    const text = scalarText(evaluateLenient(source.json, document));
    return text === undefined ? undefined : clean(text, 40);
  }
  const match = checkedRegex(source.regex).firstMatch(regexTextOf(source.part, response));
  if (!match) return undefined;
  const groups = match.slice(1).filter((group): group is string => group !== undefined && group !== '');
  const version = withoutTrailingDots(groups.join('.'));
  return version.length > 0 ? clean(version, 40) : undefined;
}

function extractEvidence(source: EvidenceSource, response: ResponseDocument, document: JSONValue): string | undefined {
  if ('json' in source) {
    const text = scalarText(evaluateLenient(source.json, document));
    return text === undefined ? undefined : clean(text, 80);
  }
  const match = checkedRegex(source.regex).firstMatch(regexTextOf(source.part, response));
  if (!match) return undefined;
  return clean(match.slice(1).find((group) => group !== undefined && group !== '') ?? match[0], 80);
}

function absolute(value: string, base: URL): string | undefined {
  const text = value.trim();
  let candidate: string;
  if (text.startsWith('//')) candidate = `${base.protocol}${text}`;
  else if (text.startsWith('/')) candidate = `${baseString(base)}${text}`;
  else if (/^https?:\/\//i.test(text)) candidate = text;
  else return undefined;
  try {
    return new URL(candidate).toString();
  } catch {
    return undefined;
  }
}

const maxApiRootsPerSignal = 5;

function extractApiRoots(source: ApiRootSource, response: ResponseDocument, document: JSONValue, base: URL): string[] {
  const found: string[] = [];
  if ('path' in source) found.push(`${baseString(base)}${source.path}`);
  else if ('json' in source) {
    const value = evaluateLenient(source.json, document);
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) if (typeof item === 'string') found.push(item);
  } else {
    for (const match of checkedRegex(source.regex).allMatches(regexTextOf(source.part, response), maxApiRootsPerSignal * 4)) {
      found.push(match.slice(1).find((group) => group !== undefined && group !== '') ?? match[0]);
    }
  }
  const roots = new Set<string>();
  for (const value of found) {
    const url = absolute(value, base);
    if (url) roots.add(url);
    if (roots.size >= maxApiRootsPerSignal) break;
  }
  return [...roots];
}

/** The path (and query) of a same-origin URL relative to the target's base path. */
function relativePath(url: string, base: URL): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.origin !== base.origin) return undefined;
  let pathname = parsed.pathname;
  const basePath = base.pathname.replace(/\/+$/, '');
  if (basePath && (pathname === basePath || pathname.startsWith(`${basePath}/`))) pathname = pathname.slice(basePath.length) || '/';
  return `${pathname}${parsed.search}`;
}

function passiveApplies(passive: PassiveSignal['passive'], response: HttpResponse, base: URL): boolean {
  if (passive.path === undefined && passive.path_regex === undefined) return true;
  for (const url of new Set([response.requestedUrl, response.url])) {
    const relative = relativePath(url, base);
    if (relative === undefined) continue;
    if (passive.path !== undefined) {
      const compared = passive.path.includes('?') ? relative : (relative.split('?')[0] ?? relative);
      if (compared === passive.path) return true;
    }
    if (passive.path_regex !== undefined && checkedRegex(passive.path_regex).test(relative)) return true;
  }
  return false;
}

const combined = (weights: number[]): number => 1 - weights.reduce((rest, weight) => rest * (1 - weight), 1);

class FingerprintState {
  readonly hits = new Map<string, Hit>();
  readonly attempted = new Set<string>();
  readonly passiveSignals: PassiveSignal[];
  readonly probeSignals: ProbeSignal[];

  constructor(readonly fingerprint: Fingerprint) {
    this.passiveSignals = passiveSignalsOf(fingerprint);
    this.probeSignals = fingerprint.signals
      .filter((signal): signal is ProbeSignal => signal.probe !== undefined)
      .sort((a, b) => b.weight - a.weight);
  }

  confidence(): number {
    return combined(this.fingerprint.signals.filter((signal) => this.hits.has(signal.id)).map((signal) => signal.weight));
  }

  /** The highest-weight version, replaced by a more specific one that extends it ("3" → "3.6.8"). */
  version(): string | undefined {
    const candidates = this.fingerprint.signals
      .flatMap((signal) => {
        const version = this.hits.get(signal.id)?.version;
        return version === undefined ? [] : [{ version, weight: signal.weight }];
      })
      .sort((a, b) => b.weight - a.weight);
    let best = candidates[0];
    if (!best) return undefined;
    for (const candidate of candidates) {
      if (candidate.version.startsWith(`${best.version}.`)) best = candidate;
    }
    return best.version;
  }

  private unattemptedVersionProbes(): boolean {
    return this.probeSignals.some((signal) => signal.version !== undefined && !this.attempted.has(signal.id));
  }

  /** Certain, and either the version is known to a minor (a bare major may still be refined) or no probe could tell more. */
  decisive(): boolean {
    return this.confidence() >= decisiveConfidence && (this.version()?.includes('.') === true || !this.unattemptedVersionProbes());
  }

  /** Probes still worth sending: all of them, or only version probes once the CMS is certain. */
  wantedProbes(): ProbeSignal[] {
    if (this.decisive()) return [];
    const certain = this.confidence() >= decisiveConfidence;
    return this.probeSignals.filter((signal) => !this.attempted.has(signal.id) && (!certain || signal.version !== undefined));
  }

  toDetection(): Detection {
    const { fingerprint } = this;
    const version = this.version();
    const matched = fingerprint.signals.filter((signal) => this.hits.has(signal.id));
    const signals = matched.map((signal) => {
      const hit = this.hits.get(signal.id);
      const evidence = hit?.evidence ?? (hit?.version !== undefined ? `${fingerprint.name} ${hit.version}` : undefined);
      return evidence ? `${signal.id}: ${evidence}` : signal.id;
    });
    const apiRoots = [...new Set(matched.flatMap((signal) => this.hits.get(signal.id)?.apiRoots ?? []))];
    return {
      cms: fingerprint.cms,
      name: fingerprint.name,
      kind: fingerprint.kind,
      ...(version !== undefined ? { version } : {}),
      confidence: Math.round(this.confidence() * 1000) / 1000,
      signals,
      apiRoots,
    };
  }
}

function probeKey(url: string, headers: Record<string, string>): string {
  const sorted = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1));
  return `${url}\n${JSON.stringify(sorted)}`;
}

/**
 * Judges signals on responses, and can judge the passive ones ahead: the crawl hands it each
 * response it keeps for fingerprinting (`offer`) and lets it judge one (`judgeNext`) whenever it
 * is waiting for a page, so the passive pass after the crawl finds most of its work done. That
 * pass was 180 ms after a 5,000-page crawl, with the main thread idle for longer than that
 * during the crawl while the server answered (BENCHMARKS.md, eighth session).
 *
 * The pass gives the same result either way: judging is pure (a signal's hit on a response
 * depends on the two alone), and the pass still walks the responses in its own order, asking
 * `hit`, which answers from what was judged ahead or judges then. Ahead, a signal is skipped on
 * later responses once it has hit with all it can say (a version, or none to give), as the pass
 * skips it; whatever was skipped ahead and is asked for is judged when asked.
 */
export class PassiveJudge {
  private readonly base: URL;
  private readonly baseText: string;
  private readonly documents = new WeakMap<HttpResponse, { response: ResponseDocument; document: JSONValue }>();
  private readonly judged = new WeakMap<HttpResponse, Map<Signal, Hit | undefined>>();
  private readonly passiveSignals: PassiveSignal[];
  /** Signals that hit on a response judged ahead, and whether that hit said a version. */
  private readonly hitAhead = new Map<Signal, boolean>();
  private readonly waiting: HttpResponse[] = [];
  private nextWaiting = 0;
  /** Responses judged ahead so far (a figure for tests). */
  judgedAhead = 0;

  constructor(target: string, fingerprints: readonly Fingerprint[]) {
    this.base = baseOf(target);
    this.baseText = baseString(this.base);
    this.passiveSignals = fingerprints.flatMap(passiveSignalsOf);
  }

  /** Queues a response to be judged ahead. */
  offer(response: HttpResponse): void {
    this.waiting.push(response);
  }

  /** Judges the passive signals on the next queued response; false when none is waiting. */
  judgeNext(): boolean {
    const response = this.waiting[this.nextWaiting];
    if (response === undefined) return false;
    this.waiting[this.nextWaiting] = undefined as unknown as HttpResponse;
    this.nextWaiting += 1;
    if (this.nextWaiting === this.waiting.length) {
      this.waiting.length = 0;
      this.nextWaiting = 0;
    }
    const results = new Map<Signal, Hit | undefined>();
    try {
      for (const signal of this.passiveSignals) {
        const saidVersion = this.hitAhead.get(signal);
        if (saidVersion !== undefined && (saidVersion || signal.version === undefined)) continue;
        if (!passiveApplies(signal.passive, response, this.base)) continue;
        const hit = this.evaluate(signal, response);
        results.set(signal, hit);
        if (hit !== undefined) this.hitAhead.set(signal, hit.version !== undefined);
      }
    } catch {
      // Left unjudged: the pass judges it when it asks and meets the error there, where it always
      // did, instead of in the middle of the crawl that lent its wait.
      return true;
    }
    this.judged.set(response, results);
    this.judgedAhead += 1;
    return true;
  }

  /** The signal's hit on the response: as judged ahead, or judged now. */
  hit(signal: Signal, response: HttpResponse): Hit | undefined {
    const results = this.judged.get(response);
    if (results?.has(signal) === true) return results.get(signal);
    return this.evaluate(signal, response);
  }

  private documentOf(response: HttpResponse): { response: ResponseDocument; document: JSONValue } {
    let entry = this.documents.get(response);
    if (!entry) {
      const responseDocument = toResponseDocument(response);
      entry = { response: responseDocument, document: { target: this.baseText, ...responseDocument } };
      this.documents.set(response, entry);
    }
    return entry;
  }

  private evaluate(signal: Signal, response: HttpResponse): Hit | undefined {
    const { response: responseDocument, document } = this.documentOf(response);
    if (!judgeMatcher(signal.match, responseDocument, document).ok) return undefined;
    const version = signal.version ? extractVersion(signal.version, responseDocument, document) : undefined;
    const evidence = signal.evidence ? extractEvidence(signal.evidence, responseDocument, document) : undefined;
    const apiRoots = signal.api_root ? extractApiRoots(signal.api_root, responseDocument, document, this.base) : [];
    return { ...(version !== undefined ? { version } : {}), ...(evidence !== undefined ? { evidence } : {}), apiRoots };
  }
}

/**
 * Recognises the CMSs (and front-end frameworks) behind a target. Passive signals are evaluated
 * first, over every response given; then probes go out, one GET each, for CMSs that have some
 * evidence but are not yet decisive, and finally the few `always` probes for CMSs with none
 * (API-only back ends show nothing on a front page). Probe answers are fed to the passive signals
 * too. A ProbeError means "not matched"; at most `maxProbes` requests are sent in all.
 */
export async function detectCms(options: DetectOptions): Promise<DetectResult> {
  const { target, responses, transport, fingerprints } = options;
  const maxProbes = options.maxProbes ?? defaultMaxProbes;
  const base = baseOf(target);
  const baseText = baseString(base);
  const states = fingerprints.map((fingerprint) => new FingerprintState(fingerprint));
  const judge = options.judge ?? new PassiveJudge(target, fingerprints);
  const evaluate = (signal: Signal, response: HttpResponse): Hit | undefined => judge.hit(signal, response);

  const record = (state: FingerprintState, signal: Signal, hit: Hit | undefined) => {
    if (!hit) return;
    const existing = state.hits.get(signal.id);
    if (!existing || (existing.version === undefined && hit.version !== undefined)) state.hits.set(signal.id, hit);
  };

  const scanPassive = (response: HttpResponse) => {
    for (const state of states) {
      for (const signal of state.passiveSignals) {
        const existing = state.hits.get(signal.id);
        if (existing && (existing.version !== undefined || signal.version === undefined)) continue;
        if (!passiveApplies(signal.passive, response, base)) continue;
        record(state, signal, evaluate(signal, response));
      }
    }
  };

  for (const response of responses) scanPassive(response);

  // Probes: answers already in hand (the crawl may have fetched /wp-json/) are reused. A probe's
  // own answer is not kept: a site answering megabytes to every probe would make this pass hold
  // them all until it ends. Every signal that asks the same probe is judged when the answer
  // arrives (evaluate is pure, so judging early changes nothing), and only those hits are kept.
  const signalsByKey = new Map<string, ProbeSignal[]>();
  for (const state of states) {
    for (const signal of state.probeSignals) {
      const key = probeKey(`${baseText}${signal.probe.path}`, signal.probe.headers);
      signalsByKey.set(key, [...(signalsByKey.get(key) ?? []), signal]);
    }
  }
  type ProbeAnswer = (signal: Signal) => Hit | undefined;
  const probes = new Map<string, Promise<ProbeAnswer | null>>();
  for (const response of responses) {
    for (const url of new Set([response.requestedUrl, response.url])) {
      const key = probeKey(url, {});
      if (!probes.has(key)) probes.set(key, Promise.resolve((signal: Signal) => evaluate(signal, response)));
    }
  }
  let probesSent = 0;

  const fetchProbe = (probe: ProbeSignal['probe']): Promise<ProbeAnswer | null> => {
    const url = `${baseText}${probe.path}`;
    const key = probeKey(url, probe.headers);
    const known = probes.get(key);
    if (known) return known;
    if (probesSent >= maxProbes) return Promise.resolve(null);
    probesSent += 1;
    const pending = transport.send({ method: 'GET', url, headers: { ...probe.headers } }).then(
      (response): ProbeAnswer => {
        scanPassive(response);
        const hits = new Map<Signal, Hit | undefined>();
        for (const signal of signalsByKey.get(key) ?? []) hits.set(signal, evaluate(signal, response));
        return (signal) => hits.get(signal);
      },
      (error: unknown) => {
        if (error instanceof ProbeError) return null;
        throw error;
      },
    );
    probes.set(key, pending);
    return pending;
  };

  const runProbe = async (state: FingerprintState, signal: ProbeSignal) => {
    state.attempted.add(signal.id);
    const answer = await fetchProbe(signal.probe);
    if (answer) record(state, signal, answer(signal));
  };

  let alwaysDone = false;
  for (;;) {
    const round = [...states]
      .filter((state) => state.confidence() > 0)
      .sort((a, b) => b.confidence() - a.confidence())
      .flatMap((state) => state.wantedProbes().map((signal) => ({ state, signal })));
    if (round.length > 0) {
      // One at a time: each answer may make the CMS decisive and save the rest.
      for (const { state, signal } of round) {
        if (state.attempted.has(signal.id) || !state.wantedProbes().includes(signal)) continue;
        await runProbe(state, signal);
      }
      continue;
    }
    if (alwaysDone) break;
    alwaysDone = true;
    const always = states
      .filter((state) => !state.decisive())
      .flatMap((state) => state.probeSignals.filter((signal) => signal.probe.always && !state.attempted.has(signal.id)).map((signal) => ({ state, signal })));
    if (always.length === 0) break;
    // Independent CMSs: these go out together.
    await Promise.all(always.map(({ state, signal }) => runProbe(state, signal)));
  }

  const all = states
    .filter((state) => state.hits.size > 0)
    .map((state) => state.toDetection())
    .sort((a, b) => b.confidence - a.confidence || kindOrder[a.kind] - kindOrder[b.kind] || a.cms.localeCompare(b.cms));
  const detections = all.filter((detection) => detection.confidence >= detectionThreshold);
  const candidates = all.filter((detection) => detection.confidence < detectionThreshold);
  const apiRoots = [...new Set(detections.flatMap((detection) => detection.apiRoots))];
  return { detections, candidates, probesSent, apiRoots };
}
