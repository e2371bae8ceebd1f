import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderTrust, mayMakeFolder, readPrivateFile, writeFileAtomically } from '../../src/core/private-file.js';
import { tempDir } from '../support/temp-dir.js';

// The rule cache's files are read only when they are plainly the user's own, and written whole.

const asRoot = process.getuid?.() === 0;

describe('files kept for the user alone', () => {
  it('reads a regular file of the user that nobody else may write, and nothing else', async () => {
    const dir = await tempDir('private');
    const file = path.join(dir, 'own.json');
    writeFileSync(file, 'text', { mode: 0o600 });
    expect(readPrivateFile(file, 100)).toBe('text');
    expect(readPrivateFile(file, 3)).toBeUndefined();
    chmodSync(file, 0o620);
    expect(readPrivateFile(file, 100)).toBeUndefined();
    chmodSync(file, 0o644);
    expect(readPrivateFile(file, 100)).toBe('text');
    const link = path.join(dir, 'link.json');
    symlinkSync(file, link);
    expect(readPrivateFile(link, 100)).toBeUndefined();
    const fifo = path.join(dir, 'fifo.json');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expect(readPrivateFile(fifo, 100)).toBeUndefined();
    expect(readPrivateFile(dir, 100)).toBeUndefined();
    expect(readPrivateFile(path.join(dir, 'missing.json'), 100)).toBeUndefined();
  });

  it.runIf(asRoot)("refuses another user's file, and a folder of theirs to make folders in", async () => {
    const dir = await tempDir('private');
    const file = path.join(dir, 'theirs.json');
    writeFileSync(file, 'text', { mode: 0o600 });
    chownSync(file, 65534, 65534);
    expect(readPrivateFile(file, 100)).toBeUndefined();
    const theirs = path.join(dir, 'home');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    expect(mayMakeFolder(path.join(theirs, '.cache', 'draftleak'))).toBe(false);
    expect(folderTrust(theirs)).toBe('refused');
  });

  it('makes folders where the nearest existing one is the user’s, or root’s and sticky', async () => {
    const dir = await tempDir('private');
    expect(mayMakeFolder(path.join(dir, 'a', 'b', 'c'))).toBe(true);
    const sticky = path.join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    expect(mayMakeFolder(path.join(sticky, 'x'))).toBe(true);
    writeFileSync(path.join(dir, 'file'), '');
    expect(mayMakeFolder(path.join(dir, 'file', 'x'))).toBe(false);
  });

  it('judges the folder itself, never what a symlink points at', async () => {
    const dir = await tempDir('private');
    const real = path.join(dir, 'real');
    mkdirSync(real, { mode: 0o700 });
    expect(folderTrust(real)).toBe('own');
    symlinkSync(real, path.join(dir, 'link'));
    expect(folderTrust(path.join(dir, 'link'))).toBe('refused');
    expect(folderTrust(path.join(dir, 'missing'))).toBe('absent');
    chmodSync(real, 0o777);
    expect(folderTrust(real)).toBe('refused');
  });

  it('writes whole files with their mode, and leaves nothing behind when it cannot', async () => {
    const dir = await tempDir('private');
    const file = path.join(dir, 'cache.json');
    writeFileAtomically(file, 'first', 0o600);
    writeFileAtomically(file, 'second', 0o600);
    expect(readPrivateFile(file, 100)).toBe('second');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['cache.json']);
    expect(() => writeFileAtomically(path.join(dir, 'missing', 'cache.json'), 'x', 0o600)).toThrow(/ENOENT/);
    mkdirSync(path.join(dir, 'taken'));
    expect(() => writeFileAtomically(path.join(dir, 'taken'), 'x', 0o600)).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['cache.json', 'taken']);
  });
});
