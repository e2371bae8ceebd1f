import { ruleSchema } from './rule-schema.js';

type Path = (string | number)[];

/** The parts of a rule that the checks after the schema read: its steps and its finding. */
export const ruleBodySchema = ruleSchema.pick({ steps: true, finding: true });

const variableName = /^[a-z_][a-z0-9_]*$/;

function nameOr(value: unknown, key: string, fallback: string): string {
  const name = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof name === 'string' && variableName.test(name) ? name : fallback;
}

/**
 * Stand-ins for the parts of a rule body that the schema refused, so the checks can still run on
 * everything else. Each stand-in is valid and checks nothing of its own; it keeps the names an
 * author gave (a step's id, a for_each's `as`, an extractor's name) so that later steps reading
 * them are not reported as reading unknown variables.
 */
export function rulePlaceholder(path: Path, current: unknown): unknown {
  const shape = path.map((segment) => (typeof segment === 'number' ? '#' : segment)).join('.');
  if (shape === 'finding') return { message: 'placeholder' };
  if (shape === 'steps.#') return { id: nameOr(current, 'id', `step_${String(path[1])}`), request: { path: '/' }, match: { status: 200 } };
  if (shape === 'steps.#.request') return { path: '/' };
  if (shape === 'steps.#.for_each') return { in: '`[]`', as: nameOr(current, 'as', 'item') };
  if (shape === 'steps.#.extract.#') return { name: nameOr(current, 'name', 'placeholder'), header: 'placeholder' };
  if (/^steps\.#\.match((\.(all|any)\.#)|\.not)*$/.test(shape)) return { status: 200 };
  return undefined;
}
