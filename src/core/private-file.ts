// Files the program keeps for its user alone (the rule cache): read only when they are plainly
// the user's own, written so that a reader never sees half of one.
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Whether a folder is the user's own, not there yet, or refused (a symlink, another user's, writable by others). */
export type FolderTrust = 'own' | 'absent' | 'refused';

const currentUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Owned by the user running us (anything is, where there are no user ids). */
const ownedByUs = (stats: Stats): boolean => {
  const uid = currentUid();
  return uid === undefined || stats.uid === uid;
};

/** Owned by the user running us and writable by nobody else. */
function ownAndPrivate(stats: Stats): boolean {
  return ownedByUs(stats) && (stats.mode & 0o022) === 0;
}

/** Whether `folder` exists and is the user's own (a home folder, say), whoever else may write it. */
export function ownedByUser(folder: string): boolean {
  try {
    return ownedByUs(statSync(folder));
  } catch {
    return false;
  }
}

/**
 * The folder itself, not what a symlink points at: a link planted where the folder would be
 * could make us read another's files, or write over them. On Windows, Node reports every
 * writable file as writable by all (its modes do not say who may write), so nothing there is
 * the user's own by this test.
 */
export function folderTrust(dir: string): FolderTrust {
  if (process.platform === 'win32') return 'refused';
  let stats: Stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'refused';
  }
  return stats.isDirectory() && ownAndPrivate(stats) ? 'own' : 'refused';
}

/**
 * Whether folders made down to `dir` would be the user's to keep: the nearest folder that
 * exists on the way is the user's own, or root's with the sticky bit (/tmp), where no one else
 * can remove or replace what the user makes. Not so where root, keeping another user's HOME or
 * XDG_CACHE_HOME under sudo, would make root's folders in that user's home.
 */
export function mayMakeFolder(dir: string): boolean {
  if (process.platform === 'win32') return false;
  for (let at = path.dirname(path.resolve(dir)); ; at = path.dirname(at)) {
    let stats: Stats;
    try {
      stats = statSync(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && at !== path.dirname(at)) continue;
      return false;
    }
    if (!stats.isDirectory()) return false;
    return ownedByUs(stats) || (stats.uid === 0 && (stats.mode & 0o1000) !== 0);
  }
}

/**
 * The text of `file` when it is a regular file (not a symlink, a FIFO or a device), the user's
 * own, writable by nobody else and at most `maxBytes`; otherwise undefined. What is checked is
 * the file that was opened, so nothing can be swapped in between.
 */
export function readPrivateFile(file: string, maxBytes: number): string | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || !ownAndPrivate(stats) || stats.size > maxBytes) return undefined;
    return readFileSync(fd, 'utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** This process's writes so far: with its pid and the time, a name no other write uses (and `wx` refuses one that is taken). */
let writes = 0;

/**
 * Writes `data` to a new file beside `file` and renames it over `file`, so a reader sees the
 * old file or the new one, never half of either. The file is new (`wx`), made with `mode` (as
 * the umask leaves it); on failure it is removed and the error thrown.
 */
export function writeFileAtomically(file: string, data: string | Uint8Array, mode: number): void {
  writes += 1;
  const partial = `${file}.${process.pid}.${Date.now()}.${writes}.partial`;
  try {
    writeFileSync(partial, data, { mode, flag: 'wx' });
    renameSync(partial, file);
  } catch (error) {
    try {
      rmSync(partial, { force: true });
    } catch {
      // No folder to write in at all: nothing was left behind.
    }
    throw error;
  }
}
