import { describe, expect, it } from 'vitest';
import { randomId } from '../../src/core/random-id.js';

describe('randomId', () => {
  it('is 16 lowercase hex digits, and 10,000 of them are all different', () => {
    const ids = Array.from({ length: 10_000 }, () => randomId());
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
