import { describe, expect, it } from 'vitest';
import { QueueSlots } from '../../src/engine/queue-slots.js';

describe('the queue slots', () => {
  it('a finishing entry frees its slot, at most maxActive such; it counts only for the run that said so', () => {
    const slots = new QueueSlots<string>(2);
    for (const e of ['a', 'b', 'c', 'd', 'e']) slots.change(e, undefined, 'waiting');
    slots.change('a', 'waiting', 'running', true);
    expect(slots.free).toBe(true);
    slots.change('b', 'waiting', 'running', true);
    expect(slots.free).toBe(false);
    expect(slots.finished('a')).toBe(true);
    expect(slots.finished('a')).toBe(false); // once per run
    expect(slots.free).toBe(true);
    slots.change('c', 'waiting', 'running', true);
    expect(slots.free).toBe(false);
    expect(slots.finished('b')).toBe(true);
    slots.change('d', 'waiting', 'running', true);
    // Two finishing (a, b) and two receiving (c, d): a third finishing one frees nothing more.
    expect(slots.finished('c')).toBe(true);
    expect(slots.free).toBe(false);
    expect(slots.active).toBe(4);
    // a ends: c's finish now counts, a slot is free.
    slots.change('a', 'running', 'complete');
    expect(slots.free).toBe(true);
    // b is paused in its finish and started again: its new run receives until it says so.
    slots.change('b', 'running', 'stopping-pause');
    expect(slots.free).toBe(true);
    slots.change('b', 'stopping-pause', 'paused');
    slots.change('b', 'paused', 'waiting');
    slots.change('b', 'waiting', 'running', true);
    // b, c, d run; only c's finish counts: 3 - 1 = 2 receive, no slot free.
    expect(slots.active).toBe(3);
    expect(slots.free).toBe(false);
    expect(slots.waiting).toBe(1);
  });

  it('a lower maxActive frees nothing until the count is under it', () => {
    const slots = new QueueSlots<string>(3);
    for (const e of ['a', 'b', 'c']) {
      slots.change(e, undefined, 'waiting');
      slots.change(e, 'waiting', 'running', true);
    }
    slots.maxActive = 1;
    expect(slots.finished('a')).toBe(true);
    expect(slots.free).toBe(false);
    slots.change('b', 'running', 'complete');
    slots.change('c', 'running', 'complete');
    expect(slots.free).toBe(true);
  });
});
