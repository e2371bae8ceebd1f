import { Agent, ProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/http/dispatcher.js';
import { resolveTransportOptions } from '../../src/http/options.js';

// src/http/dispatcher.ts loads undici's Agent from its own file, not from the package's index
// (the ProxyAgent, with --proxy, from the index): an undici upgrade that moves the file must
// fail here, not in a user's scan. This file imports the index itself, so that the Agent works
// without it is shown by tests/cli/lazy-modules.test.ts, which runs the real bin.
describe('createDispatcher', () => {
  it('builds the Agent undici exports', async () => {
    const dispatcher = createDispatcher(resolveTransportOptions({ target: 'http://127.0.0.1:9/' }));
    try {
      expect(dispatcher).toBeInstanceOf(Agent);
      expect(dispatcher).not.toBeInstanceOf(ProxyAgent);
    } finally {
      await dispatcher.destroy();
    }
  });

  it('builds the ProxyAgent undici exports when a proxy is given', async () => {
    const dispatcher = createDispatcher(resolveTransportOptions({ target: 'http://127.0.0.1:9/', proxy: 'http://127.0.0.1:8/' }));
    try {
      expect(dispatcher).toBeInstanceOf(ProxyAgent);
    } finally {
      await dispatcher.destroy();
    }
  });
});
