import { pino, type Logger } from 'pino';
import { maskSecrets } from './redact.js';
import { terminalText } from './terminal-safe.js';

export const logLevels = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof logLevels)[number];

// Logs quote URLs and errors that may hold the user's credentials or a target's escape
// sequences; they are masked like the reports (pino's JSON escapes C0 controls, not C1 ones).
const scrubText = (text: string): string => maskSecrets(terminalText(text));

function scrub(value: unknown): unknown {
  if (value instanceof Error) {
    const cause = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: scrubText(value.message),
      ...(typeof cause === 'string' ? { code: cause } : {}),
      ...(value.stack ? { stack: scrubText(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item)]));
  }
  return typeof value === 'string' ? scrubText(value) : value;
}

/** Logs go to stderr so stdout carries only the report. Synchronous so lines keep their order. */
export function createLogger(level: LogLevel = 'warn'): Logger {
  return pino(
    {
      level,
      base: { name: 'draftleak' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map(scrub) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export type { Logger };
