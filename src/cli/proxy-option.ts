import { parseProxyUrl } from '../http/index.js';

/** `--proxy URL`, on scan, baseline create, audit and fingerprint: one wording, one check. */
export const proxyFlag = '--proxy <url>';
export const proxyFlagDescription =
  'tunnel every connection through this http(s) proxy (HTTP CONNECT); user:password@ in it goes to the proxy only and is never written anywhere; the target still decides what is in scope';

/** Checks the URL when the flag is parsed, so a bad proxy fails before anything is loaded or sent. */
export function parseProxyFlag(value: string): string {
  parseProxyUrl(value);
  return value;
}
