import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { startFerryDaemon } from '../daemon/ferry-daemon.js';
import { startAria2Daemon } from '../helpers/aria2-daemon.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { type RpcDaemon, rawCall, type StartRpcDaemon } from '../helpers/rpc-daemon.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A CliIO that records what is written; `tty` makes stderr a terminal and gives stdin keys. */
function fakeIO(env: Record<string, string | undefined>, tty?: { stdin: EventEmitter & { isTTY: boolean } }): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdin: tty?.stdin as unknown as CliIO['stdin'],
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s), isTTY: tty !== undefined, columns: 100, rows: 30 },
    readStdin: async () => '',
    onInterrupt: () => () => {},
    exit: (code: number) => {
      throw new Error(`exit ${code}`);
    },
    env,
  };
}

/** A terminal's stdin whose keys a test emits as 'data' events (raw mode and flow are no-ops). */
function fakeTtyStdin() {
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    isRaw: false,
    readableFlowing: null,
    setRawMode: () => stdin,
    resume: () => stdin,
    pause: () => stdin,
  });
  return stdin;
}

/** The daemons the client is tested against. */
const DAEMONS: { name: string; start: StartRpcDaemon }[] = [
  { name: 'aria2c --enable-rpc', start: startAria2Daemon },
  { name: 'ferry daemon', start: () => startFerryDaemon() },
];

describe.each(DAEMONS)('client commands against $name', ({ name, start }) => {
  let daemon: RpcDaemon;
  let server: TestServer;
  let slow: TestServer;
  let home: string;
  const big = randomBytesSeeded(300 * 1024 + 7, 'client-big');
  const one = randomBytesSeeded(1, 'client-one');

  beforeEach(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'ferry-client-home-'));
    server = await startTestServer({ files: { '/big.bin': { body: big }, '/one.bin': { body: one }, '/empty.bin': { body: Buffer.alloc(0) } } });
    // A download from here stays active for minutes: 2 MiB at 16 KiB/s.
    slow = await startTestServer({ files: { '/slow.bin': { body: randomBytesSeeded(2 * 1024 * 1024, 'slow') } }, faults: { throttleBytesPerSec: 16 * 1024 } });
    daemon = await start();
  });
  afterEach(async () => {
    await daemon.stop();
    await server.close();
    await slow.close();
    await rm(home, { recursive: true, force: true });
  });

  /** `ferry ARGS --rpc-url URL --rpc-secret S` through main(). */
  async function ferry(args: string[], opts: { secret?: string | null; io?: CliIO & { out: string[]; err: string[] } } = {}): Promise<Run> {
    const io = opts.io ?? fakeIO({ HOME: home });
    const secret = opts.secret === undefined ? daemon.secret : opts.secret;
    const conn = ['--rpc-url', daemon.url, ...(secret === null ? [] : ['--rpc-secret', secret])];
    const code = await main([...args, ...conn], io);
    return { code, stdout: io.out.join(''), stderr: io.err.join('') };
  }

  async function status(gid: string): Promise<Record<string, string>> {
    const answer = await rawCall(daemon.url, 'aria2.tellStatus', [`token:${daemon.secret}`, gid]);
    if (answer.error) throw new Error(answer.error.message);
    return answer.result as Record<string, string>;
  }

  async function waitFor(gid: string, want: string, timeoutMs = 20_000): Promise<Record<string, string>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await status(gid);
      if (s.status === want) return s;
      if (Date.now() > deadline) throw new Error(`${gid} is ${s.status}, not ${want}`);
      await sleep(50);
    }
  }

  /** Add a paused download with a chosen GID (aria2's `gid` option), bypassing the client. */
  async function addRaw(gid: string, file: string, extra: Record<string, string> = {}): Promise<void> {
    const answer = await rawCall(daemon.url, 'aria2.addUri', [`token:${daemon.secret}`, [server.url(file)], { gid, pause: 'true', ...extra }]);
    expect(answer.result).toBe(gid);
  }

  it('add: prints the GID; the files (300 KiB, 1 byte, 0 bytes) land byte-exact under -d with -o', async () => {
    const dest = path.join(daemon.dir, 'sub');
    for (const [file, body, name] of [
      ['/big.bin', big, 'big-copy.bin'],
      ['/one.bin', one, 'one-copy.bin'],
      ['/empty.bin', Buffer.alloc(0), 'empty-copy.bin'],
    ] as const) {
      const r = await ferry(['add', server.url(file), '-d', dest, '-o', name, '-n', '4']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const gid = r.stdout.trim();
      expect(gid).toMatch(/^[0-9a-f]{16}$/);
      await waitFor(gid, 'complete');
      const got = await readFile(path.join(dest, name));
      expect(sha256(got)).toBe(sha256(body));
    }
  });

  it('add sends ferry options as aria2 options (split, header, user-agent)', async () => {
    const r = await ferry(['add', server.url('/big.bin'), '--pause', '-n', '3', '-H', 'X-Test: yes', '-A', 'ferry-test/1']);
    expect(r.code).toBe(0);
    const gid = r.stdout.trim();
    const answer = await rawCall(daemon.url, 'aria2.getOption', [`token:${daemon.secret}`, gid]);
    const opts = answer.result as Record<string, string | string[]>;
    expect(opts.split).toBe('3');
    expect(opts['user-agent']).toBe('ferry-test/1');
    // aria2 reports a repeatable option as its lines joined.
    expect(String(opts.header).trim()).toBe('X-Test: yes');
  });

  it('add --pause adds paused; resume by prefix completes it byte-exact', async () => {
    const r = await ferry(['add', '--pause', server.url('/big.bin'), '-o', 'paused.bin']);
    expect(r.code).toBe(0);
    const gid = r.stdout.trim();
    expect((await status(gid)).status).toBe('paused');
    await sleep(300);
    expect(server.stats.requests).toBe(0);
    const resumed = await ferry(['resume', gid.slice(0, 8)]);
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout).toBe(`resumed ${gid}\n`);
    await waitFor(gid, 'complete');
    expect(sha256(await readFile(path.join(daemon.dir, 'paused.bin')))).toBe(sha256(big));
  });

  it('pause stops an active download; resume --all and pause --all act on everything', async () => {
    const r = await ferry(['add', slow.url('/slow.bin')]);
    const gid = r.stdout.trim();
    await waitFor(gid, 'active');
    const paused = await ferry(['pause', gid.slice(0, 6)]);
    expect(paused).toMatchObject({ code: 0, stdout: `paused ${gid}\n` });
    await waitFor(gid, 'paused');
    expect(await ferry(['resume', '--all'])).toMatchObject({ code: 0, stdout: 'resumed all\n' });
    await waitFor(gid, 'active');
    expect(await ferry(['pause', '--all'])).toMatchObject({ code: 0, stdout: 'paused all\n' });
    await waitFor(gid, 'paused');
  });

  it('rm removes an active download, then its stopped result; --delete-files deletes (ferry) or says it cannot and removes only (aria2)', async () => {
    const gid = (await ferry(['add', slow.url('/slow.bin')])).stdout.trim();
    await waitFor(gid, 'active');
    const removed = await ferry(['rm', gid]);
    expect(removed).toMatchObject({ code: 0, stdout: `removed ${gid}\n`, stderr: '' });
    await waitFor(gid, 'removed');
    const again = await ferry(['rm', gid.slice(0, 7)]);
    expect(again).toMatchObject({ code: 0, stdout: `removed ${gid}\n` });
    expect((await rawCall(daemon.url, 'aria2.tellStatus', [`token:${daemon.secret}`, gid])).error?.message).toMatch(/is not found/);

    const other = (await ferry(['add', '--pause', server.url('/big.bin')])).stdout.trim();
    const del = await ferry(['rm', '--delete-files', other]);
    expect(del.code).toBe(0);
    if (name === 'ferry daemon') {
      expect(del.stderr).toBe('');
    } else {
      expect(del.stderr).toBe(`ferry: the daemon at ${daemon.url} cannot delete files (it has no ferry.remove); removing the downloads only\n`);
    }
    expect(del.stdout).toBe(`removed ${other}\n`);
    const waiting = (await rawCall(daemon.url, 'aria2.tellWaiting', [`token:${daemon.secret}`, 0, 10])).result as { gid: string }[];
    expect(waiting.map((w) => w.gid)).not.toContain(other);
    // ferry.remove deletes the partial files of an active download too; plain rm keeps them.
    if (name === 'ferry daemon') {
      const partial = (await ferry(['add', slow.url('/slow.bin'), '-o', 'partial.bin'])).stdout.trim();
      await waitFor(partial, 'active');
      await new Promise((r) => setTimeout(r, 300));
      expect(readdirSync(daemon.dir).some((f) => f.startsWith('partial.bin'))).toBe(true);
      expect(await ferry(['rm', '--delete-files', partial])).toMatchObject({ code: 0, stderr: '' });
      await waitFor(partial, 'removed');
      expect(readdirSync(daemon.dir).filter((f) => f.startsWith('partial.bin'))).toEqual([]);
    }
  });

  it('ls: a table of active and waiting downloads; --all adds stopped ones; --json is aria2 status objects', async () => {
    expect(await ferry(['ls'])).toMatchObject({ code: 0, stdout: 'No downloads.\n' });
    const done = (await ferry(['add', server.url('/one.bin'), '-o', 'done.bin'])).stdout.trim();
    await waitFor(done, 'complete');
    const waiting = (await ferry(['add', '--pause', server.url('/big.bin'), '-o', 'later.bin'])).stdout.trim();
    const active = (await ferry(['add', slow.url('/slow.bin'), '-o', 'slow.bin'])).stdout.trim();
    await waitFor(active, 'active');
    // Active comes before the server's answer: wait until the size is known.
    for (const end = Date.now() + 20_000; (await status(active)).totalLength === '0' && Date.now() < end; ) await sleep(50);

    const ls = await ferry(['ls']);
    expect(ls.code).toBe(0);
    const lines = ls.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^GID\s+STATE\s+DONE\s+SIZE\s+SPEED\s+NAME$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${active.slice(0, 6)}\\w*\\s+active\\s+\\d+%\\s+2\\.0 MiB\\s+.*slow\\.bin$`));
    expect(lines[2]).toMatch(new RegExp(`^${waiting.slice(0, 6)}\\w*\\s+paused\\s+(--|0%)\\s+.*later\\.bin$`));

    const all = await ferry(['ls', '--all']);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(all.stdout).toMatch(new RegExp(`${done.slice(0, 6)}\\w*\\s+complete\\s+100%\\s+1 B\\s+done\\.bin`));

    const json = JSON.parse((await ferry(['ls', '--all', '--json'])).stdout) as Record<string, unknown>[];
    expect(json.map((s) => s.gid)).toEqual([active, waiting, done]);
    // As returned by the daemon: every field, numbers as strings.
    const direct = (await rawCall(daemon.url, 'aria2.tellStopped', [`token:${daemon.secret}`, 0, 10])).result as Record<string, unknown>[];
    expect(json[2]).toEqual(direct[0]);
    expect(typeof json[2].totalLength).toBe('string');
  });

  it('unique prefixes resolve; an ambiguous, unknown or non-hex prefix is one clear line and exit 2', async () => {
    await addRaw('abcd111100000001', '/big.bin', { out: 'p1.bin' });
    await addRaw('abcd222200000002', '/one.bin', { out: 'p2.bin' });
    const ambiguous = await ferry(['resume', 'abcd']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toBe("ferry: the GID prefix 'abcd' is ambiguous: abcd111100000001, abcd222200000002 (type more of the GID)\n");
    expect((await status('abcd111100000001')).status).toBe('paused');

    const unknown = await ferry(['rm', 'ffff']);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: "ferry: no download has a GID starting with 'ffff' (see ferry ls --all)\n" });
    const bad = await ferry(['pause', 'xyz']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ferry: 'xyz' is not a GID or a GID prefix/);

    const one2 = await ferry(['resume', 'ABCD2']);
    expect(one2).toMatchObject({ code: 0, stdout: 'resumed abcd222200000002\n' });
    await waitFor('abcd222200000002', 'complete');
    expect(sha256(await readFile(path.join(daemon.dir, 'p2.bin')))).toBe(sha256(one));
    expect((await status('abcd111100000001')).status).toBe('paused');
  });

  it('a wrong or missing secret is one clear line, exit 2, no stack', async () => {
    for (const secret of ['wrong', null]) {
      const r = await ferry(['ls'], { secret });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(/^ferry: the daemon refused aria2\.tell\w+: Unauthorized \(wrong or missing secret\) \(give the secret with --rpc-secret/);
    }
  });

  it('the secret also comes from FERRY_RPC_SECRET and from daemon.conf', async () => {
    const envIO = fakeIO({ HOME: home, FERRY_RPC_SECRET: daemon.secret });
    expect((await ferry(['ls'], { secret: null, io: envIO })).code).toBe(0);
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(home, '.config', 'ferry'), { recursive: true });
    const port = new URL(daemon.url).port;
    await writeFile(path.join(home, '.config', 'ferry', 'daemon.conf'), `# test\nrpc-listen-port=${port}\nrpc-secret=${daemon.secret}\n`);
    const io = fakeIO({ HOME: home });
    // No --rpc-url either: the port comes from the file.
    expect(await main(['ls'], io)).toBe(0);
    expect(io.out.join('')).toBe('No downloads.\n');
  });

  it('no daemon running: one line saying how to start it, exit 3', async () => {
    const port = await freePort();
    const io = fakeIO({ HOME: home });
    const code = await main(['ls', '--rpc-url', `http://127.0.0.1:${port}/jsonrpc`], io);
    expect(code).toBe(3);
    expect(io.err.join('')).toBe(`ferry: no ferry daemon answers at http://127.0.0.1:${port}/jsonrpc (ECONNREFUSED) (start one with: ferry daemon)\n`);
  });

  it('watch: the queue view from the daemon; q quits the watch and the daemon keeps running', async () => {
    const gid = (await ferry(['add', slow.url('/slow.bin'), '-o', 'watched.bin'])).stdout.trim();
    await waitFor(gid, 'active');
    const stdin = fakeTtyStdin();
    const io = fakeIO({ HOME: home }, { stdin });
    const watching = ferry(['watch', '--interval', '0.1'], { io });
    await sleep(600);
    stdin.emit('data', 'q');
    const r = await watching;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('watched.bin');
    expect(r.stderr).toContain('q quit watch');
    expect(r.stderr).toMatch(/active 1/);
    expect((await status(gid)).status).toBe('active');

    // Without a terminal: the view once, on stdout.
    const once = await ferry(['watch']);
    expect(once.code).toBe(0);
    expect(once.stdout).toContain('watched.bin');
  });

  it('watch: q at any moment of a 1 ms poll loop ends it cleanly, 25 times (no redraw or poll after the end)', async () => {
    await ferry(['add', '--pause', server.url('/big.bin')]);
    // A counting relay in front of the daemon: no request may arrive after the watch ended.
    let requests = 0;
    const relay = http.createServer((req, res) => {
      requests++;
      // As a reverse proxy does: the daemon is asked for by its own address (ferry checks Host).
      const upstream = http.request(daemon.url, { method: 'POST', headers: { ...req.headers, host: new URL(daemon.url).host }, agent: false }, (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/jsonrpc`;
    let drawn = 0;
    for (let i = 0; i < 25; i++) {
      const stdin = fakeTtyStdin();
      const io = fakeIO({ HOME: home }, { stdin });
      const watching = main(['watch', '--interval', '1ms', '--rpc-url', relayUrl, '--rpc-secret', daemon.secret], io);
      // A real terminal buffers keys until they are read; this fake one does not: wait for the reader.
      while (stdin.listenerCount('data') === 0) await sleep(1);
      await sleep((i * 37) % 150);
      stdin.emit('data', 'q');
      expect(await watching).toBe(0);
      expect(stdin.listenerCount('data')).toBe(0);
      const written = io.err.length;
      // A poll in flight at the moment of q may still land (late, on a loaded machine); none may
      // start after it. A watch that kept polling every 1 ms would never go quiet for 50 ms.
      let seen = requests;
      for (let waited = 0; waited < 1000; waited += 50) {
        await sleep(50);
        if (requests === seen) break;
        seen = requests;
      }
      await sleep(100);
      expect(requests).toBe(seen);
      expect(io.err.length).toBe(written);
      // A q before the first answer quits with nothing drawn; otherwise the view was drawn, then
      // erased with the cursor shown again.
      if (io.err.length > 0) {
        drawn++;
        expect(io.err.join('')).toContain('paused 1');
        expect(io.err[io.err.length - 1]).toBe('\x1b[?25h');
      }
    }
    expect(drawn).toBeGreaterThan(5);
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  }, 120_000);

  it('shutdown stops the daemon', async () => {
    const r = await ferry(['shutdown']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: `ferry: the daemon at ${daemon.url} is shutting down\n` });
    await daemon.exited;
    const after = await ferry(['ls']);
    expect(after.code).toBe(3);
  });

  it('the built binary: add, ls --json and a bad prefix', async () => {
    const conn = ['--rpc-url', daemon.url, '--rpc-secret', daemon.secret];
    const added = await runCli(['add', server.url('/big.bin'), '-o', 'bin.bin', ...conn], { cwd: home }).exited;
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const gid = added.stdout.trim();
    await waitFor(gid, 'complete');
    expect((await stat(path.join(daemon.dir, 'bin.bin'))).size).toBe(big.length);
    expect(sha256(await readFile(path.join(daemon.dir, 'bin.bin')))).toBe(sha256(big));
    const ls = await runCli(['ls', '--all', '--json', ...conn]).exited;
    expect((JSON.parse(ls.stdout) as { gid: string }[]).map((s) => s.gid)).toEqual([gid]);
    const bad = await runCli(['rm', 'ffff', ...conn]).exited;
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: "ferry: no download has a GID starting with 'ffff' (see ferry ls --all)\n" });
  });
});

describe('subcommand dispatch', () => {
  it('ferry daemon parses its config and calls the injected daemon', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'ferry-client-home-'));
    try {
      const io = fakeIO({ HOME: home });
      let seen: unknown;
      const code = await main(['daemon', '--rpc-listen-port', '7001', '-j', '5', '-n', '12'], io, {
        startDaemon: async (config) => {
          seen = config;
          return 0;
        },
      });
      expect(code).toBe(0);
      expect(seen).toMatchObject({ rpcListenPort: 7001, maxActive: 5, defaults: { connections: 12 } });
      const bad = fakeIO({ HOME: home });
      expect(await main(['daemon', '--rpc-listen-all'], bad, { startDaemon: async () => 0 })).toBe(2);
      expect(bad.err.join('')).toMatch(/^ferry: --rpc-listen-all without a secret/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it.each<[string[], RegExp]>([
    [['add'], /^ferry: ferry add needs a URL \(usage: ferry add URL\.\.\./],
    [['add', 'not a url'], /^ferry: not a valid URL: 'not a url'/],
    [['add', 'gopher://h/x'], /^ferry: unsupported URL scheme 'gopher'/],
    [['add', 'http://h/a', 'http://h/b', '-o', 'x'], /^ferry: -o\/--output names one file but several URLs were given/],
    [['add', '-i', 'list.txt'], /^ferry: ferry add takes download options only/],
    [['add', '--no-fsync', 'http://h/a'], /^ferry: the option fsync has no RPC key, so a daemon cannot be told about it \(give it to ferry daemon/],
    [['add', '-n', '0', 'http://h/a'], /^ferry: -n needs/],
    [['ls', 'extra'], /^ferry: ferry ls takes no arguments, got 'extra'/],
    [['ls', '--al'], /^ferry: ferry ls has no option '--al' \(see ferry ls --help\)/],
    [['pause'], /^ferry: ferry pause needs a download ID/],
    [['resume', '--all', 'abc'], /^ferry: ferry resume takes IDs or --all, not both/],
    [['rm', '--delete-files'], /^ferry: ferry rm needs a download ID/],
    [['watch', '--bogus'], /^ferry: ferry watch has no option '--bogus'/],
    [['shutdown', 'now'], /^ferry: ferry shutdown takes no arguments/],
    [['ls', '--rpc-url', 'localhost:6800'], /^ferry: --rpc-url needs an http:\/\/ or https:\/\/ URL/],
  ])('bad input %j: one line, exit 2, before any request', async (argv, message) => {
    // The port is closed: exit 2 (not 3) shows nothing was sent.
    const port = await freePort();
    const io = fakeIO({ HOME: '/nonexistent' });
    const code = await main([...argv, ...(argv.includes('--rpc-url') ? [] : ['--rpc-url', `http://127.0.0.1:${port}/jsonrpc`])], io);
    expect(io.err.join('')).toMatch(message);
    expect(io.err.join('').split('\n')).toHaveLength(2);
    expect(code).toBe(2);
  });

  it('--help of a command prints its usage; --debug adds a stack to an error', async () => {
    for (const command of ['add', 'ls', 'pause', 'resume', 'rm', 'watch', 'shutdown', 'daemon']) {
      const io = fakeIO({});
      expect(await main([command, '--help'], io)).toBe(0);
      expect(io.out.join('')).toMatch(new RegExp(`^Usage: ferry ${command}`));
    }
    const port = await freePort();
    const io = fakeIO({ HOME: '/nonexistent' });
    expect(await main(['ls', '--debug', '--rpc-url', `http://127.0.0.1:${port}/jsonrpc`], io)).toBe(3);
    expect(io.err.join('')).toMatch(/^ferry: no ferry daemon answers.*\n.*FerryError/);
  });

  it('help lists the commands; an unknown first word is still a URL for the one-shot CLI', async () => {
    const io = fakeIO({});
    expect(await main(['help'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/ {2}add URL\.\.\. \[-d DIR\]/);
    const oneShot = fakeIO({});
    expect(await main(['lsx'], oneShot)).toBe(2);
    expect(oneShot.err.join('')).toMatch(/not a valid URL|unsupported URL|lsx/);
  });
});
