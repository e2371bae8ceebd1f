import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { Cleanup } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';
import { startWordpressLikeSite } from './wordpress-like-site.js';

/**
 * action.yml, the composite GitHub Action: its shape (what GitHub requires of a composite action
 * and what docs/ci.md promises), and its scan and summary steps run for real with bash against a
 * loopback site, as the runner would run them.
 */

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const run = promisify(execFile);

const stepSchema = z.object({
  name: z.string().optional(),
  id: z.string().optional(),
  if: z.string().optional(),
  uses: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  shell: z.string().optional(),
  run: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  'working-directory': z.string().optional(),
});
const actionSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  branding: z.object({ icon: z.string(), color: z.string() }).optional(),
  inputs: z.record(z.string(), z.strictObject({ description: z.string(), required: z.boolean().optional(), default: z.string().optional() })),
  outputs: z.record(z.string(), z.strictObject({ description: z.string(), value: z.string() })),
  runs: z.strictObject({ using: z.literal('composite'), steps: z.array(stepSchema).min(1) }),
});
type Step = z.infer<typeof stepSchema>;

async function action(): Promise<z.infer<typeof actionSchema>> {
  return actionSchema.parse(parse(await readFile('action.yml', 'utf8')));
}

function step(steps: Step[], test: (step: Step) => boolean, what: string): Step {
  const found = steps.find(test);
  if (found === undefined) throw new Error(`action.yml has no ${what} step`);
  return found;
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs, outputs and steps', async () => {
    const { inputs, outputs, runs } = await action();
    expect(Object.keys(inputs).sort()).toEqual(['args', 'baseline', 'config', 'fail-on', 'targets']);
    for (const input of Object.values(inputs)) expect(input.required ?? false).toBe(false);
    expect(outputs['exit-code']?.value).toBe('${{ steps.scan.outputs.exit-code }}');
    expect(outputs.findings?.value).toBe('${{ steps.scan.outputs.findings }}');
    // A composite action's run steps must say their shell.
    for (const each of runs.steps) if (each.run !== undefined) expect(each.shell, each.name).toBe('bash');

    const steps = runs.steps;
    const setup = step(steps, (each) => each.uses?.startsWith('actions/setup-node@') === true, 'setup-node');
    expect(String(setup.with?.['node-version'])).toBe('20');
    const install = step(steps, (each) => each.run?.includes('npm ci') === true, 'install');
    expect(install.run?.trim()).toBe('npm ci && npm run build');
    expect(install['working-directory']).toBe('${{ github.action_path }}');
    const scan = step(steps, (each) => each.id === 'scan', 'scan');
    expect(scan.env?.DRAFTLEAK_BIN).toBe('${{ github.action_path }}/bin/draftleak.js');
    expect(scan.run).toContain('node "$DRAFTLEAK_BIN" "${args[@]}" -o results.sarif -o summary.md');
    // Inputs only through the environment: no expression is pasted into the script.
    expect(scan.run).not.toContain('${{');
    const upload = step(steps, (each) => each.uses?.startsWith('github/codeql-action/upload-sarif@') === true, 'upload-sarif');
    expect(upload.uses).toBe('github/codeql-action/upload-sarif@v3');
    expect(upload.if).toMatch(/^always\(\)/);
    expect(upload.with?.sarif_file).toBe('results.sarif');
    const summary = step(steps, (each) => each.run?.includes('GITHUB_STEP_SUMMARY') === true, 'job summary');
    expect(summary.if).toBe('always()');
    // Order: install before the scan, the scan before what reads its files.
    const order = [setup, install, scan, upload, summary].map((each) => steps.indexOf(each));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('its scan step, run with bash as the runner runs it, writes both files and the outputs, and ends with the exit code', async () => {
    const { runs } = await action();
    const scan = step(runs.steps, (each) => each.id === 'scan', 'scan');
    const site = cleanup.add(await startWordpressLikeSite({ leakDrafts: true }));
    const workspace = await tempDir('action');
    const outputFile = path.join(workspace, 'github-output');
    await writeFile(outputFile, '');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GITHUB_OUTPUT: outputFile,
      DRAFTLEAK_BIN: path.resolve('bin/draftleak.js'),
      // A target that would run a command if the script pasted it into shell code.
      INPUT_TARGETS: `${site.origin}\n`,
      INPUT_FAIL_ON: 'high',
      INPUT_BASELINE: '',
      INPUT_CONFIG: '',
      INPUT_ARGS: '--rate-limit 0 --no-config',
    };
    const failed = await run('bash', ['-e', '-c', scan.run ?? ''], { cwd: workspace, env, timeout: 120_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed.code, failed.stderr).toBe(1);
    expect(await readFile(outputFile, 'utf8')).toBe('exit-code=1\nfindings=2\nsarif-file=results.sarif\n');
    const sarif = JSON.parse(await readFile(path.join(workspace, 'results.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]?.results).toHaveLength(2);
    expect(await readFile(path.join(workspace, 'summary.md'), 'utf8')).toContain('wp-rest-unpublished-posts');

    // The summary step appends the markdown report to the job summary.
    const summaryStep = step(runs.steps, (each) => each.run?.includes('GITHUB_STEP_SUMMARY') === true, 'job summary');
    const jobSummary = path.join(workspace, 'step-summary.md');
    await writeFile(jobSummary, '# earlier step\n');
    await run('bash', ['-e', '-c', summaryStep.run ?? ''], { cwd: workspace, env: { ...env, GITHUB_STEP_SUMMARY: jobSummary } });
    const written = await readFile(jobSummary, 'utf8');
    expect(written.startsWith('# earlier step\n')).toBe(true);
    expect(written).toContain('wp-rest-unpublished-posts');
  });

  it('passes inputs as data, never as shell: a target with $(...) in it runs nothing', async () => {
    const { runs } = await action();
    const scan = step(runs.steps, (each) => each.id === 'scan', 'scan');
    const workspace = await tempDir('action-inject');
    const outputFile = path.join(workspace, 'github-output');
    await writeFile(outputFile, '');
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: outputFile,
      DRAFTLEAK_BIN: path.resolve('bin/draftleak.js'),
      INPUT_TARGETS: 'http://127.0.0.1:9/$(touch pwned)*',
      INPUT_FAIL_ON: '',
      INPUT_BASELINE: '',
      INPUT_CONFIG: '',
      INPUT_ARGS: '--no-config;touch pwned2',
    };
    const result = await run('bash', ['-e', '-c', scan.run ?? ''], { cwd: workspace, env, timeout: 60_000 }).then(() => 0, (error: { code: number }) => error.code);
    expect(result).toBe(2);
    expect(existsSync(path.join(workspace, 'pwned'))).toBe(false);
    expect(existsSync(path.join(workspace, 'pwned2'))).toBe(false);
    expect(await readFile(outputFile, 'utf8')).toMatch(/^exit-code=2\n/);
  });
});
