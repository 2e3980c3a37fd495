import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../lib/args.js';
import { which } from '../lib/participants.js';
import { freePortRange } from '../lib/ports.js';
import { once, type ScenarioEnv } from '../lib/scenario-env.js';
import { runFtpScenario } from '../lib/scenario-ftp.js';
import { runListScenario } from '../lib/scenario-list.js';
import type { BenchConfig } from '../lib/types.js';

describe('list and FTP scenarios, end to end (real curl, aria2c, vsftpd)', () => {
  let dir = '';
  const cleanups: Array<() => Promise<void>> = [];
  const env = (argv: string[]): ScenarioEnv => ({
    config: parseArgs(argv, join(dir, 'results')) as BenchConfig,
    ctx: { workDir: dir, timeBin: '/usr/bin/time', signal: new AbortController().signal, connections: 4, log: () => undefined },
    dataDir: join(dir, 'data'),
    node: process.execPath,
    ferryCommand: '/nonexistent/dist/cli/ferry',
    onCleanup: (fn) => void cleanups.push(fn),
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-scen-'));
  });
  afterAll(async () => {
    for (const fn of cleanups) await fn();
    await rm(dir, { recursive: true, force: true });
  });

  it('files-500-latency: curl, aria2c and the Node floor ok, ferry n/a when not built, wget not a member', async () => {
    const e = env([
      '--list-files',
      '6',
      '--size',
      'files-500-latency=1',
      '--list-delay-ms',
      '5',
      '--runs',
      '2',
      '--latency-server',
      'own',
      '--participants',
      'ferry,curl,aria2c,wget,node-floor',
    ]);
    const { result, serverLabel } = await runListScenario(e, 'files-500-latency');
    expect(serverLabel).toBe('bench/lib/paced-server.ts');
    expect(result).toMatchObject({ name: 'files-500-latency', size: 6, files: 6 });
    expect(result.cells.map((c) => [c.participant, c.status])).toEqual([
      ['ferry', 'n/a'],
      ['aria2c', 'ok'],
      ['curl', 'ok'],
      ['node-floor', 'ok'],
    ]);
    expect(result.cells[0].note).toBe('not built: /nonexistent/dist/cli/ferry (npm run build)');
    for (const c of result.cells.slice(1)) {
      expect(c.runs.length).toBe(2);
      expect(c.filesPerSec).toBeCloseTo(6 / (c.medianWallSec as number), 9);
    }
    expect(Math.max(...result.cells.slice(1).map((c) => c.pctIdeal as number))).toBeCloseTo(100, 9);
  });

  it('files-500 without nginx: every member is n/a, nothing runs', async () => {
    const { result } = await runListScenario(env(['--list-files', '2', '--size', 'files-500=1']), 'files-500');
    expect(result.cells.map((c) => [c.participant, c.status, c.note])).toEqual([
      ['ferry', 'n/a', 'not built: /nonexistent/dist/cli/ferry (npm run build)'],
      ['aria2c', 'n/a', 'nginx not installed'],
      ['curl', 'n/a', 'nginx not installed'],
      ['node-floor', 'n/a', 'nginx not installed'],
      ['wget', 'n/a', 'nginx not installed'],
    ]);
  });

  it('ftps: curl ok over TLS, aria2c n/a; without vsftpd everything is n/a', async () => {
    const bin = await which('vsftpd', `${process.env.PATH ?? ''}:/usr/sbin`);
    const e = env(['--size', 'ftps=65537', '--participants', 'curl,aria2c', '--runs', '1']);
    const result = await runFtpScenario(e, 'ftps', bin);
    expect(result.cells.map((c) => [c.participant, c.status, c.note])).toEqual([
      ['aria2c', 'n/a', 'aria2 has no FTPS'],
      ['curl', 'ok', undefined],
    ]);
    expect(result.cells[1].runs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const none = await runFtpScenario(e, 'ftp', undefined);
    expect(none.cells.map((c) => [c.participant, c.status, c.note])).toEqual([
      ['aria2c', 'n/a', 'vsftpd not installed'],
      ['curl', 'n/a', 'vsftpd not installed'],
    ]);
  });

  it('finds consecutive free ports and runs a cleanup once', async () => {
    const base = await freePortRange(8);
    expect(base).toBeGreaterThan(0);
    expect(base + 7).toBeLessThanOrEqual(65535);
    let calls = 0;
    const fn = once(async () => void calls++);
    await fn();
    await fn();
    expect(calls).toBe(1);
  });
});
