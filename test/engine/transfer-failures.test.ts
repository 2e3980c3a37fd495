import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { type FailureInput, failureAction } from '../../src/engine/transfer-failures.js';

const base = (over: Partial<FailureInput>): FailureInput => ({
  error: new FerryError('NETWORK', 'reset', { retryable: true }),
  gotBytes: true,
  othersOnLane: 0,
  attempt: 1,
  laneFailures: 1,
  lanesAlive: 1,
  maxTries: 5,
  retryWaitMs: 10,
  random: () => 0.5,
  ...over,
});
const status = (s: number, retryable: boolean) => new FerryError('HTTP_STATUS', `HTTP ${s}`, { status: s, retryable });
const changed = new FerryError('CHANGED', 'the file changed');
const rangeIgnored = new FerryError('BAD_RESPONSE', 'range ignored', { status: 200 });

describe('failureAction', () => {
  it('one mirror: as before (retry, fewer connections, or fail)', () => {
    expect(failureAction(base({})).kind).toBe('retry');
    expect(failureAction(base({ error: status(503, true), othersOnLane: 3 }))).toEqual({ kind: 'fewer', keep: 3 });
    expect(failureAction(base({ error: status(404, false) })).kind).toBe('fatal');
    expect(failureAction(base({ error: changed })).kind).toBe('fatal');
    expect(failureAction(base({ attempt: 5, laneFailures: 5 })).kind).toBe('fatal');
    // Many failures over the lane while this connection still has tries: one mirror keeps trying.
    expect(failureAction(base({ attempt: 1, laneFailures: 9 })).kind).toBe('retry');
  });

  it('with other mirrors: a failing mirror drops out instead of failing the download', () => {
    const two = { lanesAlive: 2 };
    expect(failureAction(base({ ...two, error: status(404, false) })).kind).toBe('drop-lane');
    expect(failureAction(base({ ...two, error: changed })).kind).toBe('drop-lane');
    expect(failureAction(base({ ...two, error: rangeIgnored })).kind).toBe('drop-lane');
    expect(failureAction(base({ ...two, attempt: 1, laneFailures: 5 })).kind).toBe('drop-lane');
    expect(failureAction(base({ ...two, attempt: 1, laneFailures: 4 })).kind).toBe('retry');
    // A refusal while the mirror has other connections is a limit, not a failure.
    expect(failureAction(base({ ...two, error: status(429, true), othersOnLane: 1 }))).toEqual({ kind: 'fewer', keep: 1 });
    // CHANGED is never a limit.
    expect(failureAction(base({ ...two, error: changed, gotBytes: false, othersOnLane: 2 })).kind).toBe('drop-lane');
  });

  it('maxTries 0 (unlimited) never drops a mirror for its count of failures', () => {
    expect(failureAction(base({ lanesAlive: 3, maxTries: 0, attempt: 50, laneFailures: 50 })).kind).toBe('retry');
  });
});
