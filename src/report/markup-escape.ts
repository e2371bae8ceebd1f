import { terminalLine, terminalText } from '../core/terminal-safe.js';

/**
 * Escaping for the markup formats (HTML, JUnit XML, markdown). Every string a site could have
 * shaped goes through one of these before it is written: a collection name such as
 * `<img src=x onerror=…>` must read as text, never become an element, a link or a table cell.
 * Control characters go first (the terminal-safe helpers), so a report opened in a terminal is
 * safe too.
 */

const htmlSpecials: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML element or a quoted attribute value, on one line. */
export function escapeHtml(text: string): string {
  return terminalLine(text).replace(/[&<>"']/g, (ch) => htmlSpecials[ch] ?? ch);
}

/** As escapeHtml, keeping newlines (a <pre> block such as a body excerpt). */
export function escapeHtmlBlock(text: string): string {
  return terminalText(text).replace(/[&<>"']/g, (ch) => htmlSpecials[ch] ?? ch);
}

// XML 1.0 allows tab, newline and carriage return below 0x20, nothing in the surrogate range on its
// own, and neither U+FFFE nor U+FFFF; a parser rejects the whole file for one such character.
const notXml = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text for an XML element or a quoted attribute; newlines kept unless `oneLine`. */
export function escapeXml(text: string, oneLine = false): string {
  const clean = (oneLine ? terminalLine(text) : terminalText(text)).replace(notXml, '');
  return clean.replace(/[&<>"']/g, (ch) => (ch === "'" ? '&apos;' : (htmlSpecials[ch] ?? ch)));
}

// CommonMark lets a backslash escape any ASCII punctuation; escaping all of it leaves no emphasis,
// link, image, autolink, HTML tag, entity, heading or table pipe for text to open.
const markdownPunctuation = /[!-/:-@[-`{-~]/g;

/** Prose in markdown (a paragraph or a table cell), on one line, read literally. */
export function markdownText(text: string): string {
  return terminalLine(text).replace(markdownPunctuation, '\\$&');
}

/**
 * A code span holding `text` literally (a URL, an id): no autolink, no HTML. Inside a GFM table a
 * pipe still ends the cell even in a code span, so there it is escaped; elsewhere it is literal.
 */
export function markdownCode(text: string, inTable = false): string {
  const clean = terminalLine(text);
  if (clean === '') return '(empty)';
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padded = clean.startsWith('`') || clean.endsWith('`') || (clean.startsWith(' ') && clean.endsWith(' ')) ? ` ${clean} ` : clean;
  return `${fence}${inTable ? padded.replace(/\|/g, '\\|') : padded}${fence}`;
}

/** An http(s) URL a rule cites, as a link; anything else as a code span (never a javascript: link). */
export function markdownLink(url: string): string {
  return /^https?:\/\/[^\s<>`\\]+$/.test(url) ? `<${url}>` : markdownCode(url);
}

/** True for the URLs a report may turn into a link: the rules' own http(s) references. */
export function isLinkable(url: string): boolean {
  return /^https?:\/\/[^\s<>"'`\\]+$/.test(url);
}
