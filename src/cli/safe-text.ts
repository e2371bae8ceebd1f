import { maskSecrets, redactUrlMarked } from '../core/redact.js';
import { terminalLine, terminalText } from '../core/terminal-safe.js';

/**
 * What the CLI prints to a terminal about a target (an error, a URL, a trace line): masked like
 * the reports, and stripped of the control characters a target could have put there.
 */

/** One line: no escape sequences, no newline of its own, secrets masked. */
export function safeLine(text: string): string {
  return maskSecrets(terminalLine(text));
}

/** A URL on one line: userinfo shown as REDACTED@, token and preview parameters masked. */
export function safeUrl(url: string): string {
  return redactUrlMarked(terminalLine(url));
}

/** A message that may span lines on purpose: newlines kept, everything else as safeLine. */
export function safeText(text: string): string {
  return maskSecrets(terminalText(text));
}
