/**
 * `--json` against docs/json-events.schema.json: real event streams of a single download and of a
 * queue, each with a success and a failure, every line validated; and the checker itself rejects
 * events that break the schema (so that a passing stream means something).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyInput } from '../../src/cli/keys.js';
import { main } from '../../src/cli/main.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { recordingIO } from '../helpers/recording-io.js';
import { FakeKeyboard, until } from './fake-terminal.js';
import { type Schema, schemaErrors } from './json-schema-check.js';

const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/json-events.schema.json', import.meta.url), 'utf8')) as Schema;
const KiB = 1024;
const FAST = ['--retry-wait', '0.05', '--max-tries', '3', '--timeout', '10'];
type Event = { event: string; id: string; url: string; path: string | null; [k: string]: unknown };

let dir: string;
let server: TestServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-json-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Run ferry --json through main(); every stdout line parsed, and checked against the schema. */
async function runJson(
  args: string[],
  during?: (out: () => string) => Promise<void>,
  stdin?: KeyInput,
): Promise<{ code: number; events: Event[]; stderr: string }> {
  const rec = recordingIO({ stdin, terminal: { isTTY: false } });
  const running = main([...args, '--json', ...FAST], rec.io);
  await during?.(rec.out);
  const code = await running;
  const out = rec.out();
  expect(out.endsWith('\n')).toBe(true);
  const events = out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);
  for (const e of events) expect(schemaErrors(SCHEMA, e), JSON.stringify(e)).toEqual([]);
  return { code, events, stderr: rec.err() };
}

/** One id per URL, the same in every event about it. */
function idsByUrl(events: Event[]): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>();
  for (const e of events) ids.set(e.url, (ids.get(e.url) ?? new Set()).add(e.id));
  return ids;
}

describe('--json events follow docs/json-events.schema.json', () => {
  it('a single download: start, retry, progress, complete, result; one id; path known from start on', async () => {
    const body = randomBytesSeeded(96 * KiB + 1, 'json1');
    server.setFile('/one.bin', { body });
    server.setFaults({ failFirst: { status: 503, count: 1 }, throttleBytesPerSec: 48 * KiB });
    const r = await runJson([server.url('/one.bin'), '-d', dir, '-n', '1']);
    expect(r.code).toBe(0);
    const names = r.events.map((e) => e.event);
    expect(names).toContain('retry');
    expect(names).toContain('progress');
    expect(names.slice(-2)).toEqual(['complete', 'result']);
    expect(r.events.at(-1)).toMatchObject({ status: 'complete', totalBytes: body.length, path: path.join(dir, 'one.bin') });
    expect([...idsByUrl(r.events).values()].map((s) => s.size)).toEqual([1]);
    const start = names.indexOf('start');
    expect(r.events.slice(start).every((e) => e.path === path.join(dir, 'one.bin'))).toBe(true);
    expect(r.events.find((e) => e.event === 'retry')).toMatchObject({ attempt: 1, maxTries: 3, code: 'HTTP_STATUS' });
    expect(sha256(await readFile(path.join(dir, 'one.bin')))).toBe(sha256(body));
  });

  it('a single download paused and resumed with p: pause, resume, a second start, one complete and one result', async () => {
    const body = randomBytesSeeded(192 * KiB + 7, 'jsonp');
    server.setFile('/p.bin', { body, etag: '"p"' });
    server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const keys = new FakeKeyboard();
    const r = await runJson(
      [server.url('/p.bin'), '-d', dir, '-n', '2', '--min-split-size', '32k'],
      async (out) => {
        await until(() => /"event":"progress".*"completedBytes":[1-9]/.test(out()), 15_000, 'progress');
        keys.press('p');
        await until(() => server.stats.activeResponses === 0, 5000, 'the connections to close');
        keys.press('p');
      },
      keys,
    );
    expect(r.code).toBe(0);
    const names = r.events.map((e) => e.event);
    expect(names.filter((n) => n === 'start')).toHaveLength(2);
    expect(names.indexOf('pause')).toBeLessThan(names.indexOf('resume'));
    expect(names.filter((n) => n === 'complete' || n === 'result')).toEqual(['complete', 'result']);
    expect(r.events.find((e) => e.event === 'pause')).toMatchObject({ state: 'paused' });
    expect(r.events.at(-1)).toMatchObject({ status: 'complete', totalBytes: body.length, resumedBytes: 0, sessionBytes: body.length });
    expect([...idsByUrl(r.events).values()].map((s) => s.size)).toEqual([1]);
    expect(sha256(await readFile(path.join(dir, 'p.bin')))).toBe(sha256(body));
  });

  it('a single download that fails: an error event with the url, the path still null', async () => {
    const r = await runJson([server.url('/missing.bin'), '-d', dir]);
    expect(r.code).toBe(4);
    expect(r.events.at(-1)).toMatchObject({ event: 'error', url: server.url('/missing.bin'), path: null, code: 'HTTP_STATUS' });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a queue with a success and a failure: progress events per download, an error with its url, one result per download', async () => {
    const body = randomBytesSeeded(96 * KiB, 'json2');
    server.setFile('/q1.bin', { body });
    server.setFile('/q0.bin', { body: Buffer.alloc(0) });
    server.setFaults({ throttleBytesPerSec: 48 * KiB });
    const urls = [server.url('/q1.bin'), server.url('/gone.bin'), server.url('/q0.bin')];
    const r = await runJson([...urls, '-d', dir, '-n', '1']);
    expect(r.code).toBe(4);
    const ids = idsByUrl(r.events);
    expect([...ids.keys()].sort()).toEqual([...urls].sort());
    for (const set of ids.values()) expect(set.size).toBe(1);
    expect(r.events.some((e) => e.event === 'progress' && e.url === urls[0])).toBe(true);
    expect(r.events.find((e) => e.event === 'error')).toMatchObject({ url: urls[1], code: 'HTTP_STATUS' });
    const results = r.events.filter((e) => e.event === 'result');
    expect(results.map((e) => [e.url, e.status])).toEqual([
      [urls[0], 'complete'],
      [urls[1], 'failed'],
      [urls[2], 'complete'],
    ]);
    expect(results[0]).toMatchObject({ totalBytes: body.length, path: path.join(dir, 'q1.bin') });
    expect(results[2]).toMatchObject({ totalBytes: 0 });
    expect(sha256(await readFile(path.join(dir, 'q1.bin')))).toBe(sha256(body));
    expect((await readFile(path.join(dir, 'q0.bin'))).length).toBe(0);
  });

  it('a queue that only succeeds (1-byte files) after a 503: a retry event, complete and result for each, exit 0', async () => {
    server.setFile('/a', { body: Buffer.from('a') });
    server.setFile('/b', { body: Buffer.from('b') });
    server.setFaults({ failFirst: { status: 503, count: 1 } });
    const r = await runJson([server.url('/a'), server.url('/b'), '-d', dir, '-j', '1']);
    expect(r.code).toBe(0);
    expect(r.events.find((e) => e.event === 'retry')).toMatchObject({ url: server.url('/a'), attempt: 1, maxTries: 3, code: 'HTTP_STATUS' });
    expect(r.events.filter((e) => e.event === 'complete')).toHaveLength(2);
    expect(r.events.filter((e) => e.event === 'result').map((e) => e.status)).toEqual(['complete', 'complete']);
  });
});

describe('the schema checker rejects what breaks the schema', () => {
  const good: Event = { event: 'progress', id: 'ab12', url: 'http://h/f', path: '/t/f', completedBytes: 1, speed: 0, connections: 1 };

  it('a good event passes', () => {
    expect(schemaErrors(SCHEMA, good)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no id', { id: undefined }],
    ['no path key', { path: undefined }],
    ['a numeric path', { path: 3 }],
    ['an unknown event', { event: 'finished' }],
    ['an unknown field', { bytes: 3 }],
    ['progress without completedBytes', { completedBytes: undefined }],
    ['a fractional byte count', { completedBytes: 1.5 }],
    ['a negative speed', { speed: -1 }],
    ['an error without a message', { event: 'error', code: 'NETWORK' }],
    ['a result without a status', { event: 'result', totalBytes: 1, elapsedMs: 1 }],
    ['a complete event with a null path', { event: 'complete', totalBytes: 1, path: null }],
    ['a mirror list holding a number', { event: 'result', status: 'complete', totalBytes: 1, elapsedMs: 1, urls: ['http://h/f', 1] }],
  ])('%s', (_what, change) => {
    const bad = JSON.parse(JSON.stringify({ ...good, ...change })) as unknown;
    expect(schemaErrors(SCHEMA, bad)).not.toEqual([]);
  });
});
