/**
 * Text a target controls (a collection name, a page title, an error quoting a Location header)
 * must not drive the user's terminal: an escape sequence could clear the screen, rewrite what
 * was printed above it, or plant an OSC-8 hyperlink that shows one URL and opens another. These
 * helpers remove every such sequence and control character before text is printed.
 */

// Whole sequences first, so nothing of them is left to be read as text by the terminal:
// OSC/DCS/SOS/PM/APC strings (ESC ] ... BEL or ST; their 8-bit forms 0x9d, 0x90, 0x98, 0x9e, 0x9f),
// CSI (ESC [ or 0x9b, parameters, one final byte), and any other two-byte ESC sequence.
const controlStrings = /(?:\u001b[\]P^_X]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g;
const csiSequences = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g;
const escSequences = /\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
// What is left: C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
// overrides and isolates that reorder how a line reads (the "Trojan Source" characters).
const strayControls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text for a terminal, keeping newlines and tabs (a block the caller laid out). */
export function terminalText(text: string): string {
  return text.replace(controlStrings, '').replace(csiSequences, '').replace(escSequences, '').replace(strayControls, '');
}

/**
 * Text for one line of terminal output: as terminalText, and newlines, carriage returns and tabs
 * become spaces, so target text cannot start a line of its own that looks like the report's.
 */
export function terminalLine(text: string): string {
  return terminalText(text.replace(/[\r\n\t\u2028\u2029\u0085]+/g, ' '));
}

/**
 * Applies `clean` to every string inside a JSON-like value (plain objects, arrays), leaving its
 * shape; keys go through `cleanKey`.
 */
export function mapStrings<T>(value: T, clean: (text: string) => string, cleanKey: (key: string) => string = clean): T {
  if (typeof value === 'string') return clean(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, clean, cleanKey)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[cleanKey(key)] = mapStrings(item, clean, cleanKey);
    return out as T;
  }
  return value;
}

// JSON.stringify escapes C0 controls but writes DEL, C1 controls and the bidi characters raw.
const unescapedInJson = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Serialised JSON that is safe on a terminal too (a report printed to stdout): the characters
 * JSON leaves raw are written as \u escapes, which parse back to the same strings.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(unescapedInJson, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
