import * as cheerio from 'cheerio/slim';

/**
 * Parsed HTML per response body. A CSS matcher and a CSS extractor on the same response share
 * one parse; cheerio/slim (htmlparser2) is about 3x cheaper than the parse5 default
 * (shared/research/deps.md §3).
 *
 * The cache lives as long as the process and holds each body it keys on, so it is bounded by
 * size as well as count: a site answering megabytes to every page would otherwise keep 32 bodies
 * and their trees for the whole scan. A body bigger than the whole budget is not kept at all: as
 * "the newest parse" it held a 5 MiB body and its tree from one rule to the next on the
 * hostile-site benchmark, for a second parse that a CSS matcher and extractor of one step on such
 * a body would save.
 */
const parsed = new Map<string, cheerio.CheerioAPI>();
const maxCached = 32;
const maxCachedChars = 2 * 1024 * 1024;
let cachedChars = 0;

const positionalPseudo = /:(?:first|last|eq|nth|gt|lt|even|odd)(?![\w-])/;
const quotedText = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

/**
 * Why a CSS selector cannot be used (css-select's own words), or undefined. An invalid one
 * throws only when it is first applied, so it is compiled against an empty page when a rule
 * loads: at scan time it would throw on some pages and not be reached on others, where an `any`
 * already held, and a scan and its --explain would disagree.
 */
export function selectorProblem(selector: string): string | undefined {
  // cheerio reads "<a>" as HTML to build, not a selector: it would select what it built, on every page.
  if (selector.trimStart().startsWith('<')) return 'this is HTML, not a CSS selector';
  // cheerio-select compiles what follows a jQuery positional (:first, :eq(0)...) only on a page
  // where the part before it matched, so an empty page cannot check it: those are refused.
  const positional = positionalPseudo.exec(selector.replace(quotedText, '""'))?.[0];
  if (positional !== undefined) return `${positional} is a jQuery position, not CSS: use :first-of-type, :last-of-type, :nth-of-type() or :nth-child()`;
  try {
    loadHtml('')(selector);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function loadHtml(body: string): cheerio.CheerioAPI {
  let api = parsed.get(body);
  if (!api) {
    api = cheerio.load(body);
    if (body.length > maxCachedChars) return api;
    parsed.set(body, api);
    cachedChars += body.length;
    for (const oldest of parsed.keys()) {
      if (oldest === body || (parsed.size <= maxCached && cachedChars <= maxCachedChars)) break;
      parsed.delete(oldest);
      cachedChars -= oldest.length;
    }
  }
  return api;
}
