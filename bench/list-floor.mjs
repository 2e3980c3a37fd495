/**
 * The floor of the list scenarios for a Node process: a bare script that does only the file-system
 * work of `files-500` (no network, no parsing), 16 files at once, with the data already in memory,
 * in the cheapest shape found: the calls that only touch metadata (open, write into the page cache,
 * close, rename) on the main thread, the syncs on libuv's thread pool (the same calls all on the
 * pool cost about twice the CPU). `durable`: what ferry does by default (create a temp file, write,
 * fdatasync, close, rename, one directory fsync at the end); `plain`: what curl does (create,
 * write, close). Run it in the directory the benchmark writes to (the temp dir by default):
 *
 *   node bench/list-floor.mjs [durable|plain] [FILES|all] [DIR] [LIST] [JOBS]
 *
 * FILES (default 500, `all`: the whole list) is capped at the list's length.
 *
 * Without LIST the files go to a new directory in DIR, removed at the end. With LIST (a list file
 * in aria2's format, as the benchmark writes for ferry, of a server that is up), every body is
 * first fetched with node:http over JOBS (16) kept-alive connections and saved in DIR under its
 * `out=` name, where it stays: the floor of a Node download manager that also talks HTTP (with
 * Node's own client). The benchmark runs it so as the `node-floor` row of the list scenarios, and
 * checks its files like everyone's.
 *
 * Plain JavaScript, so that no loader's memory counts in its peak RSS.
 *
 * It prints one line: files/s, wall, CPU and peak RSS (of this process, Node's start-up excluded).
 */
import { closeSync, constants, fdatasync, fsync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const mode = process.argv[2] === 'plain' ? 'plain' : 'durable';
const base = process.argv[4] ?? tmpdir();
const JOBS = Number(process.argv[6] ?? 16);
const body = Buffer.alloc(64 * 1024, 0x5a);
/** The list's entries: a URL line, then indented `key=value` lines (`out=NAME`). */
const entries = process.argv[5] === undefined ? undefined : parseList(readFileSync(process.argv[5], 'utf8'));
const wanted = process.argv[3] === undefined || process.argv[3] === 'all' ? Number.POSITIVE_INFINITY : Number(process.argv[3]);
/** Files to write: FILES (500 by default), at most the list's length. */
const files = Math.min(wanted, entries?.length ?? (Number.isFinite(wanted) ? wanted : 500));

/** @param {string} text @returns {{ url: string, out?: string }[]} */
function parseList(text) {
  /** @type {{ url: string, out?: string }[]} */
  const list = [];
  for (const line of text.split('\n')) {
    if (/^https?:/.test(line)) list.push({ url: line.trim() });
    else if (/^\s+out=/.test(line) && list.length > 0) list[list.length - 1].out = line.trim().slice(4);
  }
  return list;
}
const fdatasyncOnPool = promisify(fdatasync);
const fsyncOnPool = promisify(fsync);
const agent = new http.Agent({ keepAlive: true, maxSockets: JOBS });

/** @param {string} url @returns {Promise<Buffer>} */
function fetchBody(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`${url}: HTTP ${res.statusCode}`));
          return;
        }
        /** @type {Buffer[]} */
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** @param {string} dir @param {number} i */
async function one(dir, i) {
  const entry = entries?.[i];
  const final = path.join(dir, entry?.out ?? `f${i}`);
  const tmp = mode === 'durable' ? `${final}.tmp` : final;
  const data = entry === undefined ? body : await fetchBody(entry.url);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
  writeSync(fd, data, 0, data.length, 0);
  if (mode === 'durable') await fdatasyncOnPool(fd);
  closeSync(fd);
  if (mode === 'durable') renameSync(tmp, final);
}

async function main() {
  // With a list the files are the output (checked by the benchmark); without, scratch.
  const dir = entries === undefined ? await mkdtemp(path.join(base, 'ferry-floor-')) : base;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < files) await one(dir, next++);
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  if (mode === 'durable') {
    const d = openSync(dir, 'r');
    await fsyncOnPool(d);
    closeSync(d);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rss = process.resourceUsage().maxRSS / 1024;
  agent.destroy();
  if (entries === undefined) await rm(dir, { recursive: true, force: true });
  const line = `${mode}${entries === undefined ? '' : ' + node:http'}: ${files} files in ${wall.toFixed(2)} s = ${(files / wall).toFixed(0)} files/s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, peak RSS ${rss.toFixed(1)} MiB`;
  process.stdout.write(`${line}\n`);
}

await main();
