import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// vitest's globalSetup: the programs the tests start keep parsed rules (src/engine/rule-cache.ts)
// in a folder of this run's, not the user's own, and it is removed when the run ends. Set before
// the test workers start, so they and the processes they start inherit it.
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'draftleak-test-cache-'));
  process.env.DRAFTLEAK_CACHE_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
