/**
 * The floor of the list scenarios for a Node process: a bare script that does only the file-system
 * work of `files-500` (no network, no parsing), 16 files at once on libuv's thread pool, with the
 * data already in memory. `durable`: what ferry does by default (create a temp file, write,
 * fdatasync, close, rename, one directory fsync at the end); `plain`: what curl does (create,
 * write, close). Run it in the directory the benchmark writes to (the temp dir by default):
 *
 *   node bench/list-floor.mjs [durable|plain] [FILES] [DIR]
 *
 * Plain JavaScript, so that no loader's memory counts in its peak RSS.
 *
 * It prints one line: files/s, wall, CPU and peak RSS (of this process, Node's start-up excluded).
 */
import { constants } from 'node:fs';
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const mode = process.argv[2] === 'plain' ? 'plain' : 'durable';
const files = Number(process.argv[3] ?? 500);
const base = process.argv[4] ?? tmpdir();
const JOBS = 16;
const body = Buffer.alloc(64 * 1024, 0x5a);

/** @param {string} dir @param {number} i */
async function one(dir, i) {
  const final = path.join(dir, `f${i}`);
  const tmp = mode === 'durable' ? `${final}.tmp` : final;
  const h = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
  await h.write(body, 0, body.length, 0);
  if (mode === 'durable') await h.datasync();
  await h.close();
  if (mode === 'durable') await rename(tmp, final);
}

async function main() {
  const dir = await mkdtemp(path.join(base, 'ferry-floor-'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < files) await one(dir, next++);
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  if (mode === 'durable') {
    const d = await open(dir, 'r');
    await d.sync();
    await d.close();
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rss = process.resourceUsage().maxRSS / 1024;
  await rm(dir, { recursive: true, force: true });
  const line = `${mode}: ${files} files in ${wall.toFixed(2)} s = ${(files / wall).toFixed(0)} files/s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, peak RSS ${rss.toFixed(1)} MiB`;
  process.stdout.write(`${line}\n`);
}

await main();
