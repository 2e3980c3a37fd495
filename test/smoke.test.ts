import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/core/options.js';

describe('options', () => {
  it('fills defaults', () => {
    expect(resolveOptions({ connections: 4 }).connections).toBe(4);
    expect(resolveOptions({}).connections).toBe(8);
  });
});
