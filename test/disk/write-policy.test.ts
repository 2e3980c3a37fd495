import { describe, expect, it } from 'vitest';
import { INLINE_WINDOW, MIN_WRITE_BACK_BYTES, slowWritesEndInline, WRITE_BACK_BYTES, writeBackStep } from '../../src/disk/write-policy.js';

describe('write policy', () => {
  it('the step shrinks near the end: a quarter of what is left, between 1 and 16 MiB', () => {
    const MiB = 1024 * 1024;
    expect(writeBackStep(1024 * MiB)).toBe(WRITE_BACK_BYTES);
    expect(writeBackStep(64 * MiB)).toBe(16 * MiB);
    expect(writeBackStep(64 * MiB - 4)).toBe(16 * MiB - 1);
    expect(writeBackStep(8 * MiB)).toBe(2 * MiB);
    expect(writeBackStep(4 * MiB)).toBe(MIN_WRITE_BACK_BYTES);
    expect(writeBackStep(1)).toBe(MIN_WRITE_BACK_BYTES);
    expect(writeBackStep(0)).toBe(MIN_WRITE_BACK_BYTES);
    // A smaller base step is never raised to the minimum.
    expect(writeBackStep(1024 * MiB, 100)).toBe(100);
    expect(writeBackStep(8 * MiB, 1024)).toBe(1024);
  });

  it('slowWritesEndInline counts the slow writes of the window only', () => {
    expect(slowWritesEndInline(0)).toBe(false);
    expect(slowWritesEndInline(0b0101_0101_0101_0101)).toBe(true);
    expect(slowWritesEndInline(0b0001_0001_0001_0001)).toBe(false);
    expect(slowWritesEndInline(0b0111_1111)).toBe(false);
    expect(slowWritesEndInline(0b1111_1111)).toBe(true);
    // Bits older than the window do not count.
    expect(slowWritesEndInline(0b1111_1111 << INLINE_WINDOW)).toBe(false);
  });
});
