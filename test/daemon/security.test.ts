/**
 * The daemon's security end to end, on the built `ferry daemon`: `--rpc-listen-all` without a
 * secret is refused with one line, a foreign Origin is refused (HTTP and WebSocket), the page's
 * own origin is accepted, a path outside `-d` is refused, and the daemon listens on loopback only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BIN } from '../helpers/cli.js';
import { type FerryDaemon, startFerryDaemon } from './ferry-daemon.js';

let daemon: FerryDaemon;
beforeAll(async () => {
  daemon = await startFerryDaemon();
}, 60_000);
afterAll(async () => {
  await daemon?.stop();
});

function post(
  headers: Record<string, string>,
  body: unknown,
  host = '127.0.0.1',
): Promise<{ status: number; json: { error?: { message: string }; result?: unknown } }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: daemon.port, path: '/jsonrpc', method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const token = () => `token:${daemon.secret}`;

describe('daemon security', () => {
  it('--rpc-listen-all without a secret is refused: one line, exit 2, no stack', async () => {
    const state = await mkdtemp(path.join(tmpdir(), 'ferry-sec-'));
    try {
      const r = spawnSync(process.execPath, [BIN, 'daemon', '--rpc-listen-all', '--state-dir', state, '--rpc-listen-port', '1'], {
        encoding: 'utf8',
        env: { ...process.env, FERRY_RPC_SECRET: '', XDG_CONFIG_HOME: state },
        timeout: 20_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ferry: --rpc-listen-all without a secret/);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });

  it('a foreign Origin is refused over HTTP and WebSocket; the daemon page origin is accepted', async () => {
    const call = { id: 1, method: 'aria2.getVersion', params: [token()] };
    const foreign = await post({ Origin: 'https://evil.example' }, call);
    expect(foreign.status).toBe(403);
    expect(foreign.json.error?.message).toMatch(/Origin https:\/\/evil.example is not allowed/);
    const own = await post({ Origin: `http://127.0.0.1:${daemon.port}` }, call);
    expect(own.status).toBe(200);
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.port}/jsonrpc`, { headers: { Origin: 'https://evil.example' } });
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
      ws.on('error', () => resolve('error'));
    });
    ws.terminate();
    expect(outcome).toBe('refused 403');
  });

  it('a path outside -d is refused (dir, out, changeGlobalOption)', async () => {
    const add = await post({}, { id: 1, method: 'aria2.addUri', params: [token(), ['http://127.0.0.1:9/x'], { dir: '/etc' }] });
    expect(add.json.error?.message).toMatch(/The option 'dir' names a path outside the download root/);
    const out = await post({}, { id: 1, method: 'aria2.addUri', params: [token(), ['http://127.0.0.1:9/x'], { out: '../../escape' }] });
    expect(out.json.error?.message).toMatch(/The option 'out' names a path outside/);
    const global = await post({}, { id: 1, method: 'aria2.changeGlobalOption', params: [token(), { dir: '/tmp' }] });
    expect(global.json.error?.message).toMatch(/outside the download root/);
    const stat = await post({}, { id: 1, method: 'aria2.getGlobalStat', params: [token()] });
    expect(stat.json.result).toMatchObject({ numWaiting: '0' });
  });

  it('--rpc-listen-all with a secret listens on every interface; --log FILE is created 0600 and hides URL passwords', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'ferry-log-'));
    const log = path.join(base, 'daemon.log');
    const d = await startFerryDaemon({ args: ['--rpc-listen-all', '--log', log] });
    try {
      const text = await readFile(log, 'utf8');
      expect(text).toMatch(/listening on (\[::\]|0\.0\.0\.0):\d+ /);
      expect((await stat(log)).mode & 0o777).toBe(0o600);
      const r = await fetch(d.url, {
        method: 'POST',
        body: JSON.stringify({ id: 1, method: 'aria2.addUri', params: [`token:${d.secret}`, ['ftp://ann:hunter2@127.0.0.1:9/f']] }),
      });
      expect(((await r.json()) as { result?: string }).result).toMatch(/^[0-9a-f]{16}$/);
      for (let i = 0; i < 100 && !(await readFile(log, 'utf8')).includes(' start '); i++) await new Promise((res) => setTimeout(res, 50));
      const after = await readFile(log, 'utf8');
      expect(after).toMatch(/ start [0-9a-f]{16} ftp:\/\/ann:\*\*\*@127\.0\.0\.1:9\/f/);
      expect(after).not.toContain('hunter2');
      expect(d.stderr()).toBe('');
    } finally {
      await d.stop();
      await rm(base, { recursive: true, force: true });
    }
  });

  it('a wrong secret is Unauthorized', async () => {
    const r = await post({}, { id: 1, method: 'aria2.getVersion', params: ['token:wrong'] });
    expect(r.json.error?.message).toBe('Unauthorized');
  });

  it('listens on loopback only by default', async () => {
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external === undefined) {
      // A machine without a non-loopback address: the log line says where it listens.
      expect(daemon.stderr()).toMatch(/listening on 127\.0\.0\.1:\d+(, \[::1\]:\d+)?/);
      return;
    }
    await expect(post({}, { id: 1, method: 'aria2.getVersion', params: [token()] }, external.address)).rejects.toThrow(/ECONNREFUSED/);
  });
});
