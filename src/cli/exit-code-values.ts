// The numbers alone, in a module that imports nothing: main.ts needs them before anything else
// is loaded (exit-codes.ts pulls in the severity schema, and with it zod).

/**
 * ESLint's convention: 0 clean, 1 findings at or above the threshold, 2 could not run; plus the
 * shell's convention for a run ended by a signal (128 + its number).
 */
export const exitCodes = { clean: 0, findings: 1, error: 2, sigint: 130, sigterm: 143 } as const;
