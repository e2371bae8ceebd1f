import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DraftleakError } from '../core/errors.js';
import { parseYamlFile, problemToError } from '../core/yaml-file.js';
import type { YamlSource } from '../core/yaml-source.js';
import { configFileSchema, type ConfigFile } from './config-file-schema.js';
import type { ScanConfigInput } from './scan-config.js';

/** The names `draftleak scan` looks for in the working directory, in this order. */
export const configFileNames = ['draftleak.config.yaml', 'draftleak.config.yml', 'draftleak.config.json'] as const;

/** A configuration file that cannot be used: every problem, each as file:line:column: message (field). */
export class ConfigError extends DraftleakError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super('DL_CONFIG_INVALID', problems.length === 1 ? (problems[0] ?? file) : `${problems.length} problems in ${file}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

export interface LoadedConfigFile {
  file: string;
  /** Relative paths in the file (rules, targetsFile, baseline) are resolved against this folder. */
  dir: string;
  config: ConfigFile;
  source: YamlSource;
}

/**
 * The configuration file in `cwd`, if there is one. Two of them (a .yaml beside a .json) are an
 * error rather than a silent choice: the user would edit one and wonder why nothing changed.
 */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  const found: string[] = [];
  for (const name of configFileNames) {
    const candidate = path.join(cwd, name);
    if (await access(candidate).then(() => true, () => false)) found.push(candidate);
  }
  if (found.length > 1) throw new ConfigError(found[0] ?? cwd, [`more than one configuration file: ${found.map((file) => path.basename(file)).join(', ')}; keep one (or choose with --config FILE)`]);
  return found[0];
}

/** The name errors give: relative to the working directory when the file is inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Reads and validates a configuration file (YAML or JSON: JSON is read as YAML, keeping positions). */
export async function loadConfigFile(file: string): Promise<LoadedConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`${file}: cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const { data, errors, source } = parseYamlFile(shown(file), text, configFileSchema);
  if (data === undefined || source === undefined || errors.length > 0) {
    throw new ConfigError(shown(file), errors.length > 0 ? errors.map((error) => error.message) : [`${shown(file)}: not a configuration file`]);
  }
  return { file: shown(file), dir: path.dirname(path.resolve(file)), config: data, source };
}

/**
 * The headers the file names, their values read from the environment. A variable that is not
 * set, or is empty (what a CI system substitutes for a secret a fork's build cannot see), is an
 * error naming the header and the variable, never any value.
 */
export function headersFromEnv(loaded: LoadedConfigFile, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, { env: variable }] of Object.entries(loaded.config.headers ?? {})) {
    const value = env[variable];
    if (value === undefined || value === '') {
      const error = problemToError(loaded.source, {
        path: ['headers', name, 'env'],
        message: `environment variable ${variable} (for header ${name}) is ${value === undefined ? 'not set' : 'empty'}`,
      });
      problems.push(error.message);
    } else {
      headers[name] = value;
    }
  }
  if (problems.length > 0) throw new ConfigError(loaded.file, problems);
  return headers;
}

/** The file's proxy: its URL, or the URL in the environment variable it names (never quoted back). */
export function proxyFromConfig(loaded: LoadedConfigFile, env: NodeJS.ProcessEnv): string | undefined {
  const proxy = loaded.config.proxy;
  if (proxy === undefined || typeof proxy === 'string') return proxy;
  const value = env[proxy.env];
  if (value === undefined || value === '') {
    const error = problemToError(loaded.source, { path: ['proxy', 'env'], message: `environment variable ${proxy.env} (for proxy) is ${value === undefined ? 'not set' : 'empty'}` });
    throw new ConfigError(loaded.file, [error.message]);
  }
  return value;
}

/** Maps the file's keys (flag names) onto the scan configuration's; paths become absolute. */
export function scanInputFromConfigFile(loaded: LoadedConfigFile, env: NodeJS.ProcessEnv): Partial<ScanConfigInput> {
  const c = loaded.config;
  const resolve = (relative: string) => path.resolve(loaded.dir, relative);
  const input: Partial<ScanConfigInput> = {
    ...(c.failOn !== undefined ? { failOn: c.failOn } : {}),
    ...(c.strict !== undefined ? { strict: c.strict } : {}),
    ...(c.rules !== undefined ? { rulePaths: c.rules.map(resolve) } : {}),
    ...(c.builtinRules !== undefined ? { builtinRules: c.builtinRules } : {}),
    ...(c.allRules !== undefined ? { allRules: c.allRules } : {}),
    ...(c.rule !== undefined ? { onlyRules: c.rule } : {}),
    ...(c.excludeRule !== undefined ? { excludeRules: c.excludeRule } : {}),
    ...(c.tags !== undefined ? { tags: c.tags } : {}),
    ...(c.severity !== undefined ? { minSeverity: c.severity } : {}),
    ...(c.cms !== undefined ? { forceCms: c.cms } : {}),
    ...(c.maxPages !== undefined ? { maxPages: c.maxPages } : {}),
    ...(c.maxDiscoveryFiles !== undefined ? { maxDiscoveryFiles: c.maxDiscoveryFiles } : {}),
    ...(c.maxCrawlBytes !== undefined ? { maxCrawlBytes: c.maxCrawlBytes } : {}),
    ...(c.maxDepth !== undefined ? { maxDepth: c.maxDepth } : {}),
    ...(c.maxRequests !== undefined ? { maxRequests: c.maxRequests } : {}),
    ...(c.maxHostErrors !== undefined ? { maxHostErrors: c.maxHostErrors } : {}),
    ...(c.maxDuration !== undefined ? { maxDurationMs: c.maxDuration * 1000 } : {}),
    ...(c.maxTargetDuration !== undefined ? { maxTargetDurationMs: c.maxTargetDuration * 1000 } : {}),
    ...(c.concurrency !== undefined ? { concurrency: c.concurrency } : {}),
    ...(c.rateLimit !== undefined ? { rateLimit: c.rateLimit } : {}),
    ...(c.timeout !== undefined ? { timeoutMs: c.timeout } : {}),
    ...(c.headers !== undefined ? { headers: headersFromEnv(loaded, env) } : {}),
    ...(c.allowHosts !== undefined ? { allowHosts: c.allowHosts } : {}),
    ...(c.authScope !== undefined ? { authScope: c.authScope } : {}),
    ...(c.insecure !== undefined ? { insecure: c.insecure } : {}),
    ...(c.verifyTokens !== undefined ? { verifyTokens: c.verifyTokens } : {}),
    ...(c.scope !== undefined ? { scope: c.scope } : {}),
    ...(c.userAgent !== undefined ? { userAgent: c.userAgent } : {}),
    ...(c.proxy !== undefined ? { proxy: proxyFromConfig(loaded, env) } : {}),
  };
  return input;
}

/** A path the file names (targetsFile, baseline), absolute. */
export function resolveFromConfig(loaded: LoadedConfigFile, relative: string): string {
  return path.resolve(loaded.dir, relative);
}
