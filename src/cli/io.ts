/** Where the CLI writes, so tests can run the program without spawning a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal: the default report is then text rather than SARIF. */
  stdoutIsTty: boolean;
  /** True when stderr is a terminal: colours in the text report and explain output. */
  color: boolean;
  /** True when stderr is a terminal: a progress line is then drawn there (unless `ci`). */
  stderrIsTty?: boolean;
  /** Width of the stderr terminal, when known: the progress line is cut to fit it. */
  stderrColumns?: number;
  /** True in a CI job (CI set, as every CI system sets it): no live progress line, even on a pseudo-terminal. */
  ci?: boolean;
  /**
   * Aborted on SIGINT or SIGTERM (reason "SIGINT"/"SIGTERM"): a running scan then stops, writes
   * what it found marked incomplete, and exits 130/143.
   */
  stop?: AbortSignal;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  ...(process.stderr.columns === undefined ? {} : { stderrColumns: process.stderr.columns }),
  ci: runsInCi(process.env),
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
};

/** CI=true (or any value but empty, "0" or "false"), as GitHub Actions, GitLab CI and most others set it. */
export function runsInCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
