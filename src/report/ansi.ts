/**
 * The few ANSI styles the text report uses. Colour is decided by the caller (TTY, NO_COLOR,
 * --no-color), never here, so piped output and tests stay plain.
 */
const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  green: [32, 39],
} as const;

export type Style = keyof typeof codes;

export type Painter = (text: string, ...styles: Style[]) => string;

export function painter(enabled: boolean): Painter {
  if (!enabled) return (text) => text;
  return (text, ...styles) =>
    styles.reduce((out, style) => `\u001b[${codes[style][0]}m${out}\u001b[${codes[style][1]}m`, text);
}
