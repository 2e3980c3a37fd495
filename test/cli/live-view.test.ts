/**
 * LiveView on a fake reflowing terminal: what it erases is exactly what it drew, at the width the
 * terminal has now; lines said above the view stay, whatever the resizes.
 */
import { describe, expect, it } from 'vitest';
import { LiveView } from '../../src/cli/live-view.js';
import { FakeScreen } from './fake-terminal.js';

const ESC = String.fromCharCode(0x1b);
/** Every upward move the view wrote, in rows. */
const upMoves = (raw: string): number[] => [...raw.matchAll(new RegExp(`\\r${ESC}\\[(\\d+)A`, 'g'))].map((m) => Number(m[1]));

/** A view of three lines as wide as it is allowed, numbered by redraw. */
function fullWidthView(screen: FakeScreen): { view: LiveView; draws: () => number } {
  let n = 0;
  const view = new LiveView(
    screen,
    (width) => {
      n++;
      return ['a', 'b', 'c'].map((c) => `${c}${n}`.padEnd(width, c));
    },
    60_000,
  );
  return { view, draws: () => n };
}

describe('LiveView', () => {
  it('shrinking from 120 to 60 columns: the next erase covers the wrapped rows (2 per line), and nothing piles up', () => {
    const screen = new FakeScreen(120);
    const { view } = fullWidthView(screen);
    view.start();
    view.redraw();
    view.say('first message');
    expect(screen.text()).toEqual(['first message', 'a2'.padEnd(119, 'a'), 'b2'.padEnd(119, 'b'), 'c2'.padEnd(119, 'c')]);
    screen.resize(60); // the view redraws on 'resize'
    expect(upMoves(screen.raw).at(-1)).toBe(6);
    expect(screen.text()).toEqual(['first message', 'a3'.padEnd(59, 'a'), 'b3'.padEnd(59, 'b'), 'c3'.padEnd(59, 'c')]);
    view.say('second message');
    expect(upMoves(screen.raw).at(-1)).toBe(3);
    view.stop();
    expect(screen.text()).toEqual(['first message', 'second message']);
  });

  it('many resizes, down to narrower than the view and back: every erase matches what is on screen', () => {
    const screen = new FakeScreen(100);
    const { view, draws } = fullWidthView(screen);
    view.start();
    view.redraw();
    for (const cols of [90, 45, 12, 7, 30, 150, 80, 33, 1, 64]) {
      screen.resize(cols);
      view.say(`at ${cols}`);
    }
    expect(draws()).toBeGreaterThanOrEqual(21);
    view.stop();
    expect(screen.text()).toEqual([90, 45, 12, 7, 30, 150, 80, 33, 1, 64].map((c) => `at ${c}`));
  });

  it('a stop removes its resize listener and shows the cursor again', () => {
    const screen = new FakeScreen(80);
    const { view, draws } = fullWidthView(screen);
    view.start();
    view.redraw();
    view.stop();
    const before = draws();
    screen.resize(40);
    expect(draws()).toBe(before);
    expect(screen.listenerCount('resize')).toBe(0);
    expect(screen.raw.endsWith(`${ESC}[?25h`)).toBe(true);
    expect(screen.text()).toEqual([]);
  });
});
