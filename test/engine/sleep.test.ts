import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/engine/sleep.js';

describe('the engine sleep', () => {
  it('resolves after its time', async () => {
    const t0 = performance.now();
    await sleep(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('an abort ends it at once with the signal reason itself (no error built for it)', async () => {
    for (const reason of ['transfer halted', new Error('stopped')]) {
      const ctrl = new AbortController();
      const t0 = performance.now();
      const waiting = sleep(10_000, ctrl.signal);
      setTimeout(() => ctrl.abort(reason), 5);
      await expect(waiting).rejects.toBe(reason);
      expect(performance.now() - t0).toBeLessThan(1000);
    }
  });

  it('an already aborted signal rejects before any timer', async () => {
    const ctrl = new AbortController();
    ctrl.abort('gone');
    await expect(sleep(10_000, ctrl.signal)).rejects.toBe('gone');
  });

  it('leaves no listener behind when it resolves (a long-lived signal over many waits)', async () => {
    const ctrl = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = ctrl.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...a: Parameters<typeof add>) => {
      added++;
      add(...a);
    }) as typeof add;
    signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      removed++;
      remove(...a);
    }) as typeof remove;
    for (let i = 0; i < 5; i++) await sleep(1, signal);
    expect(added).toBe(5);
    expect(removed).toBe(5);
  });
});
