import { describe, expect, it } from 'vitest';
import { cliStaticImports } from '../helpers/cli-static-imports.js';

describe('what a plain download loads at start-up', () => {
  it('neither the SOCKS nor the cookie library: each is loaded on first use', { timeout: 60_000 }, async () => {
    const seen = await cliStaticImports();
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((p) => /node_modules\/(socks|smart-buffer|ip-address|tough-cookie|tldts)/.test(p))).toEqual([]);
  });
});
