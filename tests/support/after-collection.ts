import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs `body` in a process of its own (--expose-gc, an ES module), after which a full collection
 * runs and a heap snapshot is read: `counted(type, name)` says which nodes are counted, by name.
 * `body` leaves what it keeps in `kept`, which is printed with the counts.
 */
export async function afterCollection(body: string, counted: string): Promise<{ kept: Record<string, unknown>; counts: Record<string, number> }> {
  const code = `
    import { readFileSync, rmSync } from 'node:fs';
    import v8 from 'node:v8';
    let kept = {};
    ${body}
    globalThis.gc();
    globalThis.gc();
    const file = v8.writeHeapSnapshot();
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    rmSync(file);
    const meta = snapshot.snapshot.meta;
    const width = meta.node_fields.length;
    const nameAt = meta.node_fields.indexOf('name');
    const typeAt = meta.node_fields.indexOf('type');
    const counted = ${counted};
    const counts = {};
    for (let i = 0; i < snapshot.nodes.length; i += width) {
      const name = snapshot.strings[snapshot.nodes[i + nameAt]];
      if (counted(meta.node_types[0][snapshot.nodes[i + typeAt]], name)) counts[name] = (counts[name] ?? 0) + 1;
    }
    console.log(JSON.stringify({ kept, counts }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { kept: Record<string, unknown>; counts: Record<string, number> };
}
