import { describe, expect, it } from 'vitest';
import { validateSarif } from './sarif-schema.js';

// Guards the guard: a validator that accepts everything would make every SARIF test pass.
describe('validateSarif', () => {
  it('accepts a minimal log and rejects a broken one with readable errors', () => {
    expect(validateSarif({ version: '2.1.0', runs: [] })).toEqual([]);
    const errors = validateSarif({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }],
    });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain('/runs/0/results/0/level');
  });
});
