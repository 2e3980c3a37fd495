import { describe, expect, it } from 'vitest';
import { stateDir } from '../../src/core/state-dir.js';

describe('stateDir', () => {
  it.each([
    ['XDG_STATE_HOME set', { XDG_STATE_HOME: '/x/state' }, '/home/u', '/x/state/ferry'],
    ['trailing slash', { XDG_STATE_HOME: '/x/state/' }, '/home/u', '/x/state/ferry'],
    ['root', { XDG_STATE_HOME: '/' }, '/home/u', '/ferry'],
    ['unset', {}, '/home/u', '/home/u/.local/state/ferry'],
    ['empty (ignored)', { XDG_STATE_HOME: '' }, '/home/u', '/home/u/.local/state/ferry'],
    ['relative (ignored, as the spec says)', { XDG_STATE_HOME: 'state' }, '/home/u', '/home/u/.local/state/ferry'],
    ['home with trailing slash', {}, '/home/u/', '/home/u/.local/state/ferry'],
  ])('%s', (_name, env, home, expected) => {
    expect(stateDir(env, home)).toBe(expected);
  });
});
