import { afterEach, describe, expect, it } from 'vitest';
import { RUN_TIME_IMPORT, runTimeImport } from '../../src/run-time-import.js';

const slot = globalThis as Record<symbol, unknown>;

afterEach(() => {
  delete slot[RUN_TIME_IMPORT];
});

describe('runTimeImport', () => {
  it('imports a relative specifier against the given base, not against its own module', async () => {
    const mod = await runTimeImport<{ BIN: string }>('../helpers/cli.js', import.meta.url);
    expect(mod.BIN).toMatch(/dist\/cli\/ferry\.cjs$/);
  });

  it('goes through the importer the launcher lends, with the specifier resolved', async () => {
    const asked: string[] = [];
    slot[RUN_TIME_IMPORT] = async (s: string) => {
      asked.push(s);
      return { lent: true };
    };
    expect(await runTimeImport('./client/subcommand.js', 'file:///opt/ferry/dist/cli/ferry-main.cjs')).toEqual({ lent: true });
    expect(await runTimeImport('socks', 'file:///opt/ferry/dist/cli/ferry-main.cjs')).toEqual({ lent: true });
    expect(asked).toEqual(['file:///opt/ferry/dist/cli/client/subcommand.js', 'socks']);
  });
});
