import { describe, expect, it } from 'vitest';
import { QueueOrder } from '../../src/engine/queue-order.js';

/** An order of `ids` and a pass that starts every waiting one it visits (at most `slots`). */
function setup(ids: string[]) {
  const order = new QueueOrder();
  for (const id of ids) order.insert(id);
  const waiting = new Set(ids);
  const visited: string[] = [];
  const pass = (slots: number) => {
    let left = slots;
    order.pass(
      () => left > 0,
      (id) => {
        visited.push(id);
        if (waiting.delete(id)) left--;
        return waiting.has(id);
      },
    );
  };
  return { order, waiting, visited, pass };
}

describe('QueueOrder', () => {
  it('a pass starts from the first entry that may still wait, not from the top', () => {
    const q = setup(['a', 'b', 'c', 'd', 'e']);
    q.pass(2);
    expect(q.visited).toEqual(['a', 'b']);
    q.visited.length = 0;
    q.pass(2);
    // a and b left the waiting state: the second pass does not visit them again.
    expect(q.visited).toEqual(['c', 'd']);
  });

  it('an entry that waits again (changed at its index) is visited again', () => {
    const q = setup(['a', 'b', 'c']);
    q.pass(3);
    q.waiting.add('a');
    q.order.changed(0);
    q.visited.length = 0;
    q.pass(1);
    expect(q.visited).toEqual(['a']);
  });

  it('a visit that changes the order makes the pass look again from where it changed', () => {
    const order = new QueueOrder();
    for (const id of ['a', 'b', 'c']) order.insert(id);
    const waiting = new Set(['a', 'b', 'c']);
    const visited: string[] = [];
    order.pass(
      () => waiting.size > 0,
      (id) => {
        visited.push(id);
        // Starting a moves c to the front (a listener of the start event).
        if (waiting.delete(id) && id === 'a') order.move('c', 0);
        return false;
      },
    );
    expect(visited).toEqual(['a', 'c', 'a', 'b']);
    expect(order.list).toEqual(['c', 'a', 'b']);
  });

  it('insert, move and remove keep the order; move clamps its position', () => {
    const order = new QueueOrder();
    order.insert('a');
    order.insert('b');
    order.insert('c', 0);
    expect(order.list).toEqual(['c', 'a', 'b']);
    order.move('c', 99);
    expect(order.list).toEqual(['a', 'b', 'c']);
    order.move('b', -5);
    expect(order.list).toEqual(['b', 'a', 'c']);
    order.remove('a');
    expect(order.list).toEqual(['b', 'c']);
    expect(order.list.length).toBe(2);
  });
});
