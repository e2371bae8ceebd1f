import { Command } from 'commander';
import { startDemoSites } from '../../demo/demo-site.js';
import type { CliIo } from '../io.js';
import { exitCodes } from '../exit-codes.js';
import { addOutputOptions, redactedCommandLine, type OutputFlags } from '../scan-options.js';
import { runScanAndReport, toScanConfig } from './scan.js';

/** The CMS sites the demo scans; the bucket is reached only as their asset host. */
const scannedSites = ['wordpress', 'strapi', 'directus'];

export function demoCommand(io: CliIo, argv: readonly string[], setExitCode: (code: number) => void): Command {
  const command = new Command('demo').description(
    'start the bundled demo sites on 127.0.0.1 and scan them (exits 0 when the scan ran)',
  );
  addOutputOptions(command).action(async (flags: OutputFlags) => {
    const demo = await startDemoSites();
    try {
      const targets = scannedSites.map((name) => demo.origin(name));
      const bucketHost = new URL(demo.origin('media-bucket')).host;
      io.stderr(
        `draftleak demo: scanning ${demo.sites
          .filter((site) => scannedSites.includes(site.name))
          .map((site) => `${site.name} at ${site.url}`)
          .join(', ')} (asset host ${bucketHost} allowed)\n`,
      );
      const config = toScanConfig(targets, { failOn: 'none', builtinRules: true, allowHost: [bucketHost], logLevel: flags.logLevel, rateLimit: 0 });
      const { exitCode } = await runScanAndReport(config, flags, io, redactedCommandLine(argv), 'text');
      setExitCode(exitCode === exitCodes.error ? exitCodes.error : exitCodes.clean);
    } finally {
      await demo.close();
    }
  });
  return command;
}
