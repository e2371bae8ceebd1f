import type { CliIo } from '../../src/cli/io.js';

export interface CapturedIo extends CliIo {
  out: string;
  err: string;
}

/** CLI output sinks that keep what was written, for running the program in-process. */
export function captureIo(): CapturedIo {
  const io: CapturedIo = {
    out: '',
    err: '',
    stdoutIsTty: false,
    color: false,
    stdout: (text) => {
      io.out += text;
    },
    stderr: (text) => {
      io.err += text;
    },
  };
  return io;
}
