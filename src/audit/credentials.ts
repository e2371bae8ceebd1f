import { UsageError } from '../core/errors.js';

/**
 * The owner's read credentials for the inventory, as headers. Kept in a closure, not in a field,
 * so that no JSON.stringify, util.inspect, pino serializer or error message of this object can
 * print a value: the only way out is `headers()`, which only the inventory client calls.
 */
export class InventoryCredentials {
  readonly names: readonly string[];
  readonly headers: () => Record<string, string>;
  /** The values, for tests and output guards that must prove they never appear anywhere. */
  readonly secretValues: () => readonly string[];

  constructor(entries: ReadonlyArray<readonly [string, string]>) {
    if (entries.length === 0) throw new UsageError('an audit needs the owner\'s read credentials: --inventory-auth "Name: value" or DRAFTLEAK_INVENTORY_AUTH');
    const copy = entries.map(([name, value]) => [name, value] as const);
    this.names = copy.map(([name]) => name);
    this.headers = () => Object.fromEntries(copy);
    this.secretValues = () => copy.map(([, value]) => value).filter((value) => value.length > 0);
  }

  toJSON(): string {
    return `InventoryCredentials(${this.names.join(', ')}: [REDACTED])`;
  }

  toString(): string {
    return this.toJSON();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON();
  }
}

const headerLine = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*:\s*(.*)$/;

/** `Name: value`; the error never repeats the value (it is a secret, possibly mistyped). */
export function parseCredentialHeader(text: string, from: string): [string, string] {
  const match = headerLine.exec(text.trim());
  if (!match?.[1] || (match[2] ?? '').trim() === '') {
    throw new UsageError(`${from}: expected "Name: value" (a header such as "Authorization: Basic …"); the value given is not repeated here`);
  }
  return [match[1], (match[2] ?? '').trim()];
}

/**
 * Flags first, then DRAFTLEAK_INVENTORY_AUTH (one "Name: value" per line), so a CI secret never
 * sits on a command line; a flag for the same header name wins over the environment.
 */
export function resolveInventoryCredentials(flags: readonly string[], env: NodeJS.ProcessEnv): InventoryCredentials {
  const entries = new Map<string, [string, string]>();
  const fromEnv = env.DRAFTLEAK_INVENTORY_AUTH ?? '';
  for (const [index, line] of fromEnv.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const [name, value] = parseCredentialHeader(line, `DRAFTLEAK_INVENTORY_AUTH line ${index + 1}`);
    entries.set(name.toLowerCase(), [name, value]);
  }
  for (const flag of flags) {
    const [name, value] = parseCredentialHeader(flag, '--inventory-auth');
    entries.set(name.toLowerCase(), [name, value]);
  }
  return new InventoryCredentials([...entries.values()]);
}
