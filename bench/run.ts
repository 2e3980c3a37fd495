/**
 * ferry's benchmark: ferry and its peers (aria2c, axel, curl, wget, lftp) download the same files
 * from the same local servers (nginx, a latency server, vsftpd), side by side, in one run. See
 * docs/benchmarks.md.
 *
 *   npm run bench -- --quick
 *   node --import tsx bench/run.ts --only capped --runs 5
 *
 * Prints a Markdown report on stdout (progress on stderr) and writes bench/results/<date>.json/.md.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE } from './lib/args.js';
import { type DataFile, ensureDataFile } from './lib/data.js';
import { runKillWasteScenario } from './lib/kill-waste.js';
import type { KillWasteResult } from './lib/kill-waste-plan.js';
import { killWasteTargets } from './lib/kill-waste-plan.js';
import { startLatencyServer } from './lib/latency-server.js';
import { parseGnuTime } from './lib/measure.js';
import { type Nginx, startNginx } from './lib/nginx.js';
import { measureNodeStartup } from './lib/node-startup.js';
import { isSelected, type Participant, participants, unavailable, versionOf, which } from './lib/participants.js';
import { type BenchResults, environment, renderReport, type ScenarioResult, writeResults } from './lib/report.js';
import { runResume } from './lib/resume.js';
import { peakRssTargets } from './lib/rss-targets.js';
import { flushDirtyData, type RunContext, runMatrix, type Target } from './lib/runner.js';
import { runDaemonScenario } from './lib/scenario-daemon.js';
import { once, type ScenarioEnv } from './lib/scenario-env.js';
import { runFtpScenario } from './lib/scenario-ftp.js';
import { runListScenario } from './lib/scenario-list.js';
import { runMirrorScenario } from './lib/scenario-mirrors.js';
import { describe, idealBytesPerSec, timeoutFor } from './lib/scenarios.js';
import { singleFileTargets } from './lib/single-file-targets.js';
import { evaluateTargets, naCell, summariseCell, summariseResume, withPercentages } from './lib/summary.js';
import { daemonTargets } from './lib/targets.js';
import { type BenchConfig, type CellSummary, isFtpScenario, isListScenario, isMirrorScenario, type ResumeSummary, type ScenarioName } from './lib/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** GNU time if it is installed and understands `-f ... -o ...` (checked by running `true`). */
async function gnuTime(workDir: string): Promise<string | undefined> {
  const bin = await which('/usr/bin/time');
  if (bin === undefined) return undefined;
  const out = join(workDir, '.probe.time');
  const ok = await new Promise<boolean>((resolve) => execFile(bin, ['-f', '%e %U %S %M', '-o', out, 'true'], (err) => resolve(!err)));
  return ok && parseGnuTime(await readFile(out, 'utf8').catch(() => '')) !== undefined ? bin : undefined;
}

/** Scenarios served by nginx. */
const NGINX_SCENARIOS: readonly ScenarioName[] = ['unthrottled', 'capped', 'no-ranges', 'resume', 'files-500', 'daemon-load'];

/** `vsftpd -v` writes its version to standard input (fd 0), hence the redirection. */
function vsftpdVersion(bin: string): Promise<string | undefined> {
  return versionOf('sh', ['-c', '"$0" -v 0>&1', bin]);
}

/** ferry or one of its FTP variants (ferry-n4, ferry-n8). */
const isFerry = (participant: string): boolean => participant === 'ferry' || participant.startsWith('ferry-');

async function main(argv: string[]): Promise<number> {
  let config: BenchConfig;
  try {
    const parsed = parseArgs(argv, join(ROOT, 'bench', 'results'));
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    config = parsed;
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const workDir = await mkdtemp(join(tmpdir(), 'ferry-bench-'));
  const dataDir = config.dataDir ?? join(workDir, 'data');
  await mkdir(dataDir, { recursive: true });
  const aborter = new AbortController();
  // Cleanup steps run once, in reverse order of registration, when main returns (also after a
  // signal: the signal only aborts, which kills the running child and ends the loops early).
  const cleanups: Array<() => Promise<void>> = [() => rm(workDir, { recursive: true, force: true })];
  const onSignal = (sig: NodeJS.Signals): void => {
    if (aborter.signal.aborted) process.exit(130); // a second signal: leave at once
    log(`bench: ${sig}, stopping and cleaning up`);
    aborter.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const timeBin = await gnuTime(workDir);
    if (timeBin === undefined) log('bench: GNU time not found (apt-get install -y time): CPU and RSS will be n/a');
    const ferryCommand = join(ROOT, 'dist', 'cli', 'ferry');
    const all = participants(ferryCommand).filter((p) => isSelected(config.participants, p.name));
    const order = (name: string): number => all.findIndex((p) => p.name === name);
    const missing = new Map<string, string>();
    const versions: Record<string, string | undefined> = {};
    for (const p of all) {
      const why = await unavailable(p);
      if (why !== undefined) missing.set(p.name, why);
      versions[p.name] = why === undefined ? await versionOf(p.program, [...p.prefixArgs, ...p.versionArgs]) : undefined;
    }
    for (const [name, why] of missing) log(`bench: ${name} is n/a (${why})`);
    const sbin = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
    const vsftpdBin = config.only.some(isFtpScenario) ? await which(process.env.VSFTPD ?? 'vsftpd', sbin) : undefined;
    if (config.only.some(isFtpScenario)) {
      versions.lftp = isSelected(config.participants, 'lftp') ? await versionOf('lftp', ['--version']) : undefined;
      versions.vsftpd = vsftpdBin === undefined ? undefined : await vsftpdVersion(vsftpdBin);
      if (vsftpdBin === undefined) log('bench: vsftpd not installed (apt-get install -y vsftpd): FTP scenarios are n/a');
    }

    const data = new Map<number, DataFile>();
    for (const s of config.only) {
      if (aborter.signal.aborted) return 130;
      if (isListScenario(s)) continue; // lists make their own files (file-set.ts)
      const size = config.sizes[s];
      if (!data.has(size)) {
        log(`bench: preparing ${size} bytes of random data in ${dataDir}`);
        data.set(size, await ensureDataFile(dataDir, size));
      }
    }
    const needsNginx = config.only.some((s) => NGINX_SCENARIOS.includes(s));
    const nginxBin = needsNginx ? await which('nginx', sbin) : undefined;
    versions.nginx = nginxBin ? await versionOf(nginxBin, ['-v']) : undefined;
    let nginx: Nginx | undefined;
    if (nginxBin !== undefined) {
      nginx = await startNginx(nginxBin, {
        prefix: join(workDir, 'nginx'),
        dataDir,
        capBytesPerSec: config.capBytesPerSec,
        resumeCapBytesPerSec: config.resumeCapBytesPerSec,
      });
      const n = nginx;
      cleanups.push(() => n.stop());
      log(`bench: nginx pid ${n.pid} on ${n.baseUrl}`);
    } else if (needsNginx) log('bench: nginx not installed (apt-get install -y nginx-light): nginx scenarios are n/a');

    // Node's own start-up, the floor under ferry's wall time, in this run (the single-file targets).
    const nodeStartupSec = config.only.some((s) => s === 'unthrottled' || s === 'capped' || s === 'latency')
      ? await measureNodeStartup(process.execPath, Math.max(5, config.runs), aborter.signal)
      : undefined;
    if (nodeStartupSec !== undefined) log(`bench: node -e 0 takes ${nodeStartupSec.toFixed(3)} s (median)`);
    // Every measured run starts with no dirty data pending (see RunContext.beforeRun): ferry syncs
    // its file by default and must not also wait for the unsynced copies the runs before it left.
    const ctx: RunContext = { workDir, timeBin, signal: aborter.signal, connections: config.connections, log, beforeRun: flushDirtyData };
    const env: ScenarioEnv = { config, ctx, dataDir, node: process.execPath, ferryCommand, nginx, onCleanup: (fn) => void cleanups.push(fn) };
    const scenarios: ScenarioResult[] = [];
    let resume: BenchResults['resume'];
    let killWaste: KillWasteResult | undefined;
    let daemon: BenchResults['daemon'];
    let latencyLabel: string | undefined;
    let listLatencyLabel: string | undefined;
    for (const name of config.only) {
      if (aborter.signal.aborted) break;
      if (isListScenario(name)) {
        const outcome = await runListScenario(env, name);
        listLatencyLabel = outcome.serverLabel ?? listLatencyLabel;
        scenarios.push(outcome.result);
        continue;
      }
      if (name === 'daemon-load') {
        daemon = await runDaemonScenario(env);
        continue;
      }
      if (isFtpScenario(name)) {
        scenarios.push(await runFtpScenario(env, name, vsftpdBin));
        continue;
      }
      if (isMirrorScenario(name)) {
        scenarios.push(await runMirrorScenario(env, name, data.get(config.sizes[name]) as DataFile));
        continue;
      }
      const file = data.get(config.sizes[name]) as DataFile;
      if (name === 'kill-waste') {
        killWaste = await runKillWasteScenario(env, file);
        continue;
      }
      const members = all.filter((p) => p.scenarios.includes(name));
      const runnable = members.filter((p) => !missing.has(p.name));
      const na = (p: Participant, note: string): CellSummary => naCell(name, p.name, note);
      if (name === 'resume') {
        const results: ResumeSummary[] = [];
        if (nginx !== undefined) {
          const n = nginx;
          const t = {
            label: name,
            size: file.size,
            sha256: file.sha256,
            timeoutMs: timeoutFor(name, file.size, config),
            killAfterMs: config.killAfterMs,
            url: (tag: string) => `${n.baseUrl}/resume/${file.name}?run=${tag}`,
            bodyBytesFor: (tag: string) => n.bodyBytesFor(tag),
          };
          const runs = await runResume(ctx, t, runnable, config.runs);
          for (const p of runnable) results.push(summariseResume(p.name, runs.get(p.name) ?? []));
        }
        for (const p of members) {
          const why = missing.get(p.name) ?? (nginx === undefined ? 'nginx not installed' : undefined);
          if (why !== undefined) results.push({ participant: p.name, status: 'n/a', note: why, runs: [] });
        }
        results.sort((a, b) => order(a.participant) - order(b.participant));
        resume = { description: describe(name, config), size: file.size, results };
        continue;
      }
      let target: Target | undefined;
      let close = async (): Promise<void> => undefined;
      const common = { label: name, size: file.size, sha256: file.sha256, timeoutMs: timeoutFor(name, file.size, config), sourcePath: file.path };
      if (name === 'latency') {
        const server = await startLatencyServer({
          choice: config.latencyServer,
          files: { '/f': await readFile(file.path) },
          rateBytesPerSec: config.capBytesPerSec,
          firstByteDelayMs: config.firstByteDelayMs,
        });
        latencyLabel = server.label;
        close = once(() => server.close());
        cleanups.push(close);
        target = { ...common, url: (tag) => server.url('/f', tag) };
      } else if (nginx !== undefined) {
        const n = nginx;
        const loc = name === 'unthrottled' ? 'plain' : name === 'capped' ? 'capped' : 'noranges';
        target = { ...common, url: (tag) => `${n.baseUrl}/${loc}/${file.name}?run=${tag}` };
      }
      const cells: CellSummary[] = [];
      if (target !== undefined) {
        const runs = await runMatrix(ctx, target, runnable, config.runs);
        for (const p of runnable) cells.push(summariseCell(name, p.name, runs.get(p.name) ?? [], file.size));
      }
      await close();
      for (const p of members) {
        const why = missing.get(p.name) ?? (target === undefined ? 'nginx not installed' : undefined);
        if (why !== undefined) cells.push(na(p, why));
      }
      cells.sort((a, b) => order(a.participant) - order(b.participant));
      const ideal = idealBytesPerSec(name, config);
      scenarios.push({
        name,
        description: describe(name, config, latencyLabel),
        size: file.size,
        idealBytesPerSec: ideal,
        cells: withPercentages(cells, file.size, ideal),
      });
    }

    if (aborter.signal.aborted) {
      log('bench: interrupted, no results written');
      return 130;
    }
    const cells = scenarios.flatMap((s) => s.cells);
    const results: BenchResults = {
      date: new Date().toISOString(),
      command: argv.length > 0 ? ['npm run bench --', ...argv].join(' ') : 'npm run bench',
      environment: { ...environment(), timeBin, latencyServer: latencyLabel, listLatencyServer: listLatencyLabel, nodeStartupSec, versions },
      config,
      scenarios,
      resume,
      killWaste,
      daemon,
      targets: [
        ...evaluateTargets(cells, resume?.results),
        ...singleFileTargets(scenarios, nodeStartupSec),
        ...killWasteTargets(killWaste?.rows),
        ...daemonTargets(daemon?.rows),
        ...peakRssTargets(cells, daemon?.rows),
      ],
    };
    process.stdout.write(renderReport(results));
    const written = await writeResults(config.resultsDir, results);
    log(`bench: wrote ${written.json} and ${written.md}`);
    // A peer's failure is a result like any other; a wrong or missing file from ferry is an error.
    const ferryFailed =
      scenarios.some((s) => s.cells.some((c) => isFerry(c.participant) && c.status === 'FAIL')) ||
      (resume?.results.some((r) => r.participant === 'ferry' && r.status === 'FAIL') ?? false) ||
      (killWaste?.rows.some((r) => r.participant === 'ferry' && r.status === 'FAIL') ?? false) ||
      (daemon?.rows.some((r) => r.participant === 'ferry' && r.status === 'FAIL') ?? false);
    return ferryFailed ? 1 : 0;
  } finally {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
