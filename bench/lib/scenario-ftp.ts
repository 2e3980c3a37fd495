/**
 * The FTP scenarios: one file from a private vsftpd on 127.0.0.1, plain (`ftp`) or with explicit
 * FTPS (`ftps`), each started for its scenario and stopped right after it.
 */
import { mkdir } from 'node:fs/promises';
import { ensureDataFile } from './data.js';
import { ftpParticipants } from './ftp-participants.js';
import { isSelected, unavailable } from './participants.js';
import type { ScenarioResult } from './report.js';
import { runMatrix, type Target } from './runner.js';
import { inOrder, once, type ScenarioEnv } from './scenario-env.js';
import { describe, timeoutFor } from './scenarios.js';
import { naCell, summariseCell, withPercentages } from './summary.js';
import type { CellSummary, FtpScenarioName } from './types.js';
import { startVsftpd } from './vsftpd.js';

/** Run one FTP scenario; `vsftpdBin` undefined = vsftpd is not installed (every cell n/a). */
export async function runFtpScenario(env: ScenarioEnv, name: FtpScenarioName, vsftpdBin: string | undefined): Promise<ScenarioResult> {
  const { config, ctx } = env;
  await mkdir(env.dataDir, { recursive: true });
  const file = await ensureDataFile(env.dataDir, config.sizes[name]);
  const members = ftpParticipants(env.ferryCommand, name === 'ftps').filter((p) => isSelected(config.participants, p.name));
  const why = new Map<string, string>();
  for (const p of members) {
    const w = p.unsupported ?? (await unavailable(p));
    if (w !== undefined) why.set(p.name, w);
  }
  const cells: CellSummary[] = [];
  if (vsftpdBin !== undefined) {
    const server = await startVsftpd(vsftpdBin, { files: [file.path], tls: name === 'ftps' });
    const stop = once(() => server.stop());
    env.onCleanup(stop);
    ctx.log(`bench: vsftpd pid ${server.pid} on 127.0.0.1:${server.port}${name === 'ftps' ? ' (explicit FTPS)' : ''}`);
    try {
      // FTP has no query string: every run fetches the same path (nothing is logged per run).
      const target: Target = {
        label: name,
        url: () => server.url(file.name),
        size: file.size,
        sha256: file.sha256,
        timeoutMs: timeoutFor(name, file.size, config),
        sourcePath: file.path,
      };
      const runnable = members.filter((p) => !why.has(p.name));
      const runs = await runMatrix(ctx, target, runnable, config.runs);
      for (const p of runnable) cells.push(summariseCell(name, p.name, runs.get(p.name) ?? [], file.size));
    } finally {
      await stop();
    }
  }
  for (const p of members) {
    const w = why.get(p.name) ?? (vsftpdBin === undefined ? 'vsftpd not installed' : undefined);
    if (w !== undefined) cells.push(naCell(name, p.name, w));
  }
  const ordered = inOrder(
    cells,
    members.map((p) => p.name),
  );
  return { name, description: describe(name, config), size: file.size, cells: withPercentages(ordered, file.size) };
}
