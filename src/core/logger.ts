import { pino, type Logger } from 'pino';

export const logLevels = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Logs go to stderr so stdout carries only the report. Synchronous so lines keep their order. */
export function createLogger(level: LogLevel = 'warn'): Logger {
  return pino({ level, base: { name: 'draftleak' } }, pino.destination({ fd: 2, sync: true }));
}

export type { Logger };
