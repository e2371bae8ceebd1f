import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// linkParts (src/crawl/normalize.ts) remembers links it was asked about. A link read from a
// sitemap or a page can be a slice of the whole text, and V8 keeps the text alive as long as the
// slice: remembered as given, 2,048 links of one 16 MB sitemap would hold all 16 MB. Measured in
// a process of its own with --expose-gc, next to a control that keeps the slices themselves (so
// the measurement can see a retained text).
const run = promisify(execFile);
const normalize = new URL('../../dist/crawl/normalize.js', import.meta.url).href;

// The text lives in a function, so nothing but what the loop keeps can hold it after.
const script = (keep: 'linkParts' | 'slices') => `
const { linkParts } = await import(${JSON.stringify(normalize)});
const used = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
const kept = [];
function readLinks() {
  const text = Array.from({ length: 200_000 }, (_, n) => 'https://example.com/post-' + n + '/').join(' ');
  for (let start = 0, n = 0; n < 3000; n += 1) {
    const end = text.indexOf(' ', start);
    const link = text.slice(start, end);
    ${keep === 'linkParts' ? 'linkParts(link);' : 'kept.push(link);'}
    start = end + 1;
  }
  return text.length;
}
const before = used();
const size = readLinks();
console.log(JSON.stringify({ size, retained: used() - before, kept: kept.length }));
`;

async function retainedBytes(keep: 'linkParts' | 'slices'): Promise<{ size: number; retained: number }> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', script(keep)], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  return JSON.parse(stdout) as { size: number; retained: number };
}

describe('remembered links', () => {
  it('do not keep the text they were sliced from alive', async () => {
    const control = await retainedBytes('slices');
    const remembered = await retainedBytes('linkParts');
    // The text is about 6.6 MB (one byte per character): kept slices hold all of it.
    expect(control.size).toBeGreaterThan(6_000_000);
    expect(control.retained).toBeGreaterThan(control.size * 0.9);
    expect(remembered.retained).toBeLessThan(control.size * 0.25);
  });
});
