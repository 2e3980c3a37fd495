import { afterEach } from 'vitest';

/** Something a test made that must be closed after it. */
export type Cleanup = () => Promise<void> | void;

/**
 * Registers an `afterEach` that runs, last first, the cleanups deferred during the test; returns
 * `defer`, which adds one. Vitest runs `afterEach` hooks last registered first: register this one
 * after the hooks that must run once its cleanups are done.
 */
export function useCleanups(): (cleanup: Cleanup) => void {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}
