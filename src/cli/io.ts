/** Where the CLI writes, so tests can run the program without spawning a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal: the default report is then text rather than SARIF. */
  stdoutIsTty: boolean;
  /** True when stderr is a terminal: colours in the text report and explain output. */
  color: boolean;
  /** True when stderr is a terminal: a progress line is then drawn there. */
  stderrIsTty?: boolean;
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
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
};
