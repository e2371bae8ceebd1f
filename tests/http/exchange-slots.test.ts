import { describe, expect, it } from 'vitest';
import { ExchangeSlots } from '../../src/http/exchange-slots.js';

/** A task the test ends by hand: resolve or reject it, and see who started. */
function deferred(): { task: () => Promise<string>; started: () => boolean; resolve: (value: string) => void; reject: (error: unknown) => void } {
  let resolve: (value: string) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  let started = false;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    task: () => {
      started = true;
      return promise;
    },
    started: () => started,
    resolve,
    reject,
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ExchangeSlots', () => {
  it('runs at most max at once, starts the waiting ones in the order they came, and hands back each answer', async () => {
    const slots = new ExchangeSlots(2);
    const tasks = Array.from({ length: 5 }, () => deferred());
    const answers = tasks.map((task) => slots.run(task.task));
    // A free slot starts its exchange at once, not a turn later.
    expect(tasks.map((task) => task.started())).toEqual([true, true, false, false, false]);
    tasks[1]?.resolve('one');
    await settle();
    expect(tasks.map((task) => task.started())).toEqual([true, true, true, false, false]);
    tasks[0]?.resolve('zero');
    tasks[2]?.resolve('two');
    await settle();
    expect(tasks.map((task) => task.started())).toEqual([true, true, true, true, true]);
    tasks[3]?.resolve('three');
    tasks[4]?.resolve('four');
    expect(await Promise.all(answers)).toEqual(['zero', 'one', 'two', 'three', 'four']);
  });

  it('frees the slot of a failed exchange, and a throw is the caller\'s rejection, not an unhandled one', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const slots = new ExchangeSlots(1);
      const failing = deferred();
      const first = slots.run(failing.task);
      const thrown = slots.run(() => {
        throw new Error('refused before sending');
      });
      const last = deferred();
      const third = slots.run(last.task);
      failing.reject(new Error('reset'));
      await expect(first).rejects.toThrow('reset');
      await expect(thrown).rejects.toThrow('refused before sending');
      await settle();
      expect(last.started()).toBe(true);
      last.resolve('after');
      expect(await third).toBe('after');
      await settle();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('keeps its order and its limit over a long queue', async () => {
    const slots = new ExchangeSlots(3);
    const order: number[] = [];
    let active = 0;
    let most = 0;
    const answers = Array.from({ length: 1000 }, (_, n) =>
      slots.run(async () => {
        order.push(n);
        active += 1;
        most = Math.max(most, active);
        await settle();
        active -= 1;
        return n;
      }),
    );
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    expect(order).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    expect(most).toBe(3);
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => new ExchangeSlots(0)).toThrow(RangeError);
    expect(() => new ExchangeSlots(1.5)).toThrow(RangeError);
  });
});
