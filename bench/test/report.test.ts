import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../lib/args.js';
import { type BenchResults, renderReport, writeResults } from '../lib/report.js';
import type { BenchConfig } from '../lib/types.js';

const MIB = 1024 * 1024;

function sample(): BenchResults {
  return {
    date: '2026-01-02T03:04:05.678Z',
    command: 'npm run bench -- --only capped',
    environment: { node: 'v20.0.0', cpu: 'cpu', cores: 2, kernel: '6.1', timeBin: '/usr/bin/time', versions: { ferry: undefined, curl: 'curl 7.88.1' } },
    config: parseArgs(['--only', 'capped,resume'], '/r') as BenchConfig,
    scenarios: [
      {
        name: 'capped',
        description: 'desc',
        size: 256 * MIB,
        idealBytesPerSec: 320 * MIB,
        cells: [
          { scenario: 'capped', participant: 'ferry', status: 'n/a', note: 'not built', runs: [] },
          {
            scenario: 'capped',
            participant: 'curl',
            status: 'ok',
            runs: [],
            medianWallSec: 12.8,
            mibPerSec: 20,
            pctIdeal: 6.25,
            medianCpuSec: 0.4,
            medianRssMiB: 10.7,
          },
        ],
      },
    ],
    resume: { description: 'rdesc', size: 256 * MIB, results: [{ participant: 'ferry', status: 'n/a', note: 'not built', runs: [] }] },
    targets: [{ target: 'capped: >= 97% of ideal', pass: undefined, detail: 'ferry n/a %' }],
  };
}

describe('report', () => {
  it('renders every scenario, the resume table and the targets', () => {
    const md = renderReport(sample());
    expect(md).toContain('Date: 2026-01-02T03:04:05.678Z');
    expect(md).toContain('Command: `npm run bench -- --only capped`');
    expect(md).toContain('Versions: ferry: n/a; curl: curl 7.88.1');
    expect(md).toContain('### capped (256 MiB)\n\ndesc\n\n| participant | wall s | MiB/s | % of ideal (320 MiB/s) |');
    expect(md).toContain('| curl | 12.80 | 20.0 | 6.3 | 0.40 | 10.7 | ok | 0 |');
    expect(md).toContain('| ferry | n/a | n/a | n/a | n/a | n/a | not built | 0 |');
    expect(md).toContain('### resume (kill -9) (256 MiB)\n\nrdesc');
    expect(md).toContain('- n/a  capped: >= 97% of ideal (ferry n/a %)');
  });

  it('renders a list scenario with files/s and its file count', () => {
    const r = sample();
    r.scenarios.push({
      name: 'files-500',
      description: 'ldesc',
      size: 500 * 64 * 1024,
      files: 500,
      cells: [{ scenario: 'files-500', participant: 'curl', status: 'ok', runs: [], medianWallSec: 2, filesPerSec: 250, mibPerSec: 15.625, pctIdeal: 100 }],
    });
    const md = renderReport(r);
    expect(md).toContain('### files-500 (500 x 64 KiB)\n\nldesc\n\n| participant | wall s | files/s | MiB/s | % of fastest |');
    expect(md).toContain('| curl | 2.00 | 250 | 15.6 | 100.0 | n/a | n/a | ok | 0 |');
  });

  it('writes JSON with every field and the same Markdown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-report-'));
    try {
      const r = sample();
      const paths = await writeResults(join(dir, 'results'), r);
      expect(paths.json).toBe(join(dir, 'results', '2026-01-02T03-04-05-678Z.json'));
      expect(JSON.parse(await readFile(paths.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(r)));
      expect(await readFile(paths.md, 'utf8')).toBe(renderReport(r));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
