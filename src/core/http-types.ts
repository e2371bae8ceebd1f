/**
 * The seam between the engine and the network. The engine only ever sees these shapes; the
 * undici implementation lives in src/http and is plugged in by src/scan.ts, and tests plug in
 * msw handlers instead.
 */
export type HttpMethod = 'GET' | 'HEAD' | 'POST';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  /** Header names in any case; the transport adds User-Agent and the user's own headers. */
  headers?: Record<string, string>;
  body?: string;
  /**
   * Set only for a POST that a rule declares as a read-only GraphQL query. The transport refuses
   * any other POST.
   */
  readOnlyGraphql?: boolean;
  /** Keep the body's raw bytes too (`rawBody`), for binary answers such as gzip sitemaps. */
  binary?: boolean;
  /**
   * Who sends it. 'anonymous' never carries the user's credentials; 'user' carries them (to
   * the target's own origin only) when the scan's auth scope covers the purpose. Default 'user'.
   */
  identity?: 'anonymous' | 'user';
  /** Why it is sent: the discovery crawl or a rule's probe. Default 'rule'. */
  purpose?: 'crawl' | 'rule';
  /**
   * A rule's one verification call of a token it found, to the token's vendor API: in scope only
   * when the scan runs with --verify-tokens and the host is a token vendor's (core/token-vendors).
   */
  verifyToken?: boolean;
  /** Read at most this many body bytes (never more than the transport's own cap). */
  maxBodyBytes?: number;
  /**
   * Asked before each in-scope redirect hop is followed; false refuses the hop (DL_REDIRECT_REFUSED).
   * The crawl passes its link policy here, so a page redirecting to "?action=delete" is not obeyed.
   */
  allowRedirect?: (url: string) => boolean;
}

export interface HttpResponse {
  /** The URL that was requested first. */
  requestedUrl: string;
  /** The URL that answered, after in-scope redirects. */
  url: string;
  status: number;
  statusText: string;
  /** Header names lower-cased; repeated headers joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
  /** The body decoded as UTF-8, at most the body cap. */
  body: string;
  /** True when the body was longer than the cap and the rest was discarded unread. */
  truncated: boolean;
  /** Bytes of body received (up to the cap). */
  bytes: number;
  /** Each redirect followed, in order. */
  redirects: string[];
  durationMs: number;
  /** The body's bytes (up to the cap), only when the request asked for `binary`. */
  rawBody?: Uint8Array;
  /** True when the answer came from the per-scan cache. */
  fromCache?: boolean;
}

/** Anything that can answer a request. Throws ProbeError for a probe that failed. */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /**
   * Whether `url` may be requested at all. The engine asks before a rule's request to another
   * host, so an asset host the user did not allow is skipped and reported once, instead of
   * failing as a probe. `send` still refuses anything out of scope. True only for a URL that
   * parses (the engine does not parse it again then).
   */
  isInScope?(url: string, request?: Pick<HttpRequest, 'verifyToken'>): boolean;
}

/** A limit that ended work early, named with the flag that raises it. */
export interface SpentBudget {
  budget: string;
  /** The command-line flag that raises or removes it. */
  flag: string;
  detail: string;
}
