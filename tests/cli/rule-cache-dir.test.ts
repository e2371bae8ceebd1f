import { afterEach, describe, expect, it } from 'vitest';
import { commandRuleCache, ruleCacheDir, type HomeLookup } from '../../src/cli/rule-cache-dir.js';
import { usePrecompiledTable } from '../../src/core/precompiled.js';

// Where the user's parsed rules are kept (engine/rule-cache), and when there is no cache at all.

const someonesHome = (owned: boolean): HomeLookup => ({ home: () => '/home/someone', ownedByUser: () => owned });

afterEach(() => usePrecompiledTable(null));

describe('where the rule cache lives', () => {
  it.each([
    [{}, '/home/someone/.cache/draftleak'],
    [{ XDG_CACHE_HOME: '/var/cache/me' }, '/var/cache/me/draftleak'],
    [{ XDG_CACHE_HOME: 'relative/path' }, '/home/someone/.cache/draftleak'],
    [{ DRAFTLEAK_CACHE_DIR: '/srv/dl-cache', XDG_CACHE_HOME: '/var/cache/me' }, '/srv/dl-cache'],
    [{ DRAFTLEAK_NO_CACHE: '1', DRAFTLEAK_CACHE_DIR: '/srv/dl-cache' }, undefined],
    // A relative folder (a CI env: block passes "~" as it is) would land in the scan's working folder.
    [{ DRAFTLEAK_CACHE_DIR: '~/.cache/dl' }, undefined],
    [{ DRAFTLEAK_CACHE_DIR: 'cache' }, undefined],
  ])('%j: %s', (env, expected) => {
    expect(ruleCacheDir(env as NodeJS.ProcessEnv, someonesHome(true))).toBe(expected);
  });

  it("none in a home that is another user's (sudo keeping the caller's HOME), or without a home", () => {
    expect(ruleCacheDir({}, someonesHome(false))).toBeUndefined();
    // A folder the user named is theirs to choose.
    expect(ruleCacheDir({ DRAFTLEAK_CACHE_DIR: '/srv/dl-cache' }, someonesHome(false))).toBe('/srv/dl-cache');
    expect(ruleCacheDir({}, { home: () => '', ownedByUser: () => true })).toBeUndefined();
    expect(
      ruleCacheDir(
        {},
        {
          home: () => {
            throw new Error('no home');
          },
          ownedByUser: () => true,
        },
      ),
    ).toBeUndefined();
  });

  it('none without a precompiled table that names its build: nothing would tell one build from another', () => {
    const env = { DRAFTLEAK_CACHE_DIR: '/srv/dl-cache' };
    usePrecompiledTable({ entries: {} });
    expect(commandRuleCache(env)).toBeUndefined();
    usePrecompiledTable({ entries: {}, build: 'build-1' });
    expect(commandRuleCache(env)).toBeDefined();
    expect(commandRuleCache({ ...env, DRAFTLEAK_NO_CACHE: '1' })).toBeUndefined();
  });
});
