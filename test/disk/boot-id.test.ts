import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBootId } from '../../src/disk/boot-id.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-boot-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readBootId', () => {
  it.each([
    ['a Linux boot id with its newline', '0f6a5d1e-3c1b-4d7e-9a55-2b1f0c8e7d64\n', '0f6a5d1e-3c1b-4d7e-9a55-2b1f0c8e7d64'],
    ['an empty file', '', undefined],
    ['blanks only', ' \n', undefined],
    ['inner blanks', 'a b', undefined],
    ['a quote', 'a"b', undefined],
    ['too long', 'x'.repeat(300), undefined],
  ])('%s', async (_name, text, want) => {
    const file = path.join(dir, 'boot_id');
    await writeFile(file, text);
    expect(await readBootId(file)).toBe(want);
  });

  it('a missing file (no /proc, not Linux) is no boot id', async () => {
    expect(await readBootId(path.join(dir, 'none'))).toBeUndefined();
  });
});
