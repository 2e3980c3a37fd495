import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FerryError } from '../../src/core/errors.js';
import { controlPathFor, partPathFor, resolveInside } from '../../src/disk/paths.js';
import { thrown } from '../helpers/assertions.js';

const usageError = (fn: () => unknown): FerryError => thrown(fn, 'USAGE');

describe('partPathFor / controlPathFor', () => {
  it('append .part and .ferry', () => {
    expect(partPathFor('/d/file.iso')).toBe('/d/file.iso.part');
    expect(controlPathFor('/d/file.iso')).toBe('/d/file.iso.ferry');
    expect(partPathFor('x')).toBe('x.part');
    expect(controlPathFor('x')).toBe('x.ferry');
  });
});

describe('resolveInside', () => {
  it.each([
    ['/srv/dl', 'file.iso', '/srv/dl/file.iso'],
    ['/srv/dl/', 'file.iso', '/srv/dl/file.iso'],
    ['/srv/dl', 'sub/file.iso', '/srv/dl/sub/file.iso'],
    ['/srv/dl', './file.iso', '/srv/dl/file.iso'],
    ['/srv/dl', 'a/../file.iso', '/srv/dl/file.iso'],
    ['/srv/dl', '..file', '/srv/dl/..file'],
    ['/srv/dl', 'file..', '/srv/dl/file..'],
    ['/srv/dl', '...', '/srv/dl/...'],
    ['.', 'file.iso', 'file.iso'],
    ['dl', 'file.iso', path.join('dl', 'file.iso')],
    ['./dl/', 'file.iso', path.join('dl', 'file.iso')],
    ['/srv/dl', 'a\\b', '/srv/dl/a\\b'],
  ])('joins %s + %s', (dir, name, want) => {
    expect(resolveInside(dir, name)).toBe(want);
  });

  it.each([
    ['../x', 'outside'],
    ['..', 'outside'],
    ['a/../../x', 'outside'],
    ['sub/../../dl2/x', 'outside'],
    ['/etc/passwd', 'absolute'],
    ['/srv/dl/file.iso', 'absolute'],
    ['', 'empty'],
    ['.', 'outside'],
    ['sub/..', 'outside'],
    ['a\0b', 'NUL'],
  ])('refuses %j (%s)', (name, why) => {
    const e = usageError(() => resolveInside('/srv/dl', name));
    expect(e.message).toContain(why);
    expect(e.hint).toBeTruthy();
  });

  it('refuses escapes from a relative directory', () => {
    usageError(() => resolveInside('dl', '../dl-other/x'));
    usageError(() => resolveInside('.', '../x'));
  });
});
