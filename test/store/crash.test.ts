import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { crashOptions, crashUris } from './crash-shapes.js';
import { tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('ferry-crash-'));
});
afterEach(async () => {
  await cleanup();
});

/** Run the writer on `file`, SIGKILL it `delayMs` after it is ready; its stdout lines. */
function runAndKill(file: string, delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!armed && out.startsWith('ready\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${err}`));
      // A line without its newline was cut by the kill: as if never written.
      else resolve(out.split('\n').slice(0, -1));
    });
  });
}

type Op = { kind: 'add' | 'move'; gid: string; pos: number } | { kind: 'active'; gid: string };

/** Apply `op` to the queue order as the store does (positions clamped). */
function apply(order: string[], op: Op): string[] {
  const next = [...order];
  if (op.kind === 'add') next.splice(Math.min(op.pos, next.length), 0, op.gid);
  else if (op.kind === 'move') {
    next.splice(next.indexOf(op.gid), 1);
    next.splice(Math.min(op.pos, next.length), 0, op.gid);
  }
  return next;
}

function parse(line: string): Op {
  const [kind, gid, pos] = line.split(' ');
  return kind === 'active' ? { kind, gid } : { kind: kind as 'add' | 'move', gid, pos: Number(pos) };
}

describe('crash safety', () => {
  it('every acknowledged change survives SIGKILL at random moments, in its place, with its options', { timeout: 180_000 }, async () => {
    const file = path.join(dir, 'ferry.db');
    let order: string[] = [];
    let acknowledged = 0;
    let inFlightCommitted = 0;
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      // Round 0 kills at once (during the first commits); the others at random moments.
      const lines = await runAndKill(file, round === 0 ? 0 : Math.floor(Math.random() * 400));
      expect(lines[0]).toBe('ready');
      let pending: Op | undefined;
      for (const line of lines.slice(1)) {
        if (line === 'ok') {
          order = apply(order, pending as Op);
          acknowledged++;
          pending = undefined;
        } else pending = parse(line);
      }
      const store = openStore(file);
      const queue = store.queue();
      store.close();
      const actual = queue.map((d) => d.gid);
      // The change in flight at the kill either committed entirely or not at all.
      const candidates = pending === undefined ? [order] : [order, apply(order, pending)];
      expect(candidates).toContainEqual(actual);
      if (pending !== undefined && candidates.length > 1 && actual.join() !== order.join()) inFlightCommitted++;
      order = actual;
      expect(new Set(actual).size).toBe(actual.length);
      expect(queue.map((d) => d.position)).toEqual(actual.map((_, i) => i));
      for (const d of queue) {
        expect(d.status).toBe('waiting');
        expect(d.uris).toEqual(crashUris(d.gid));
        expect(d.options).toEqual(crashOptions(d.gid));
      }
    }
    // The loop really ran: many acknowledged changes over the rounds.
    expect(acknowledged).toBeGreaterThan(rounds);
    console.log(
      `crash test: ${rounds} kills, ${acknowledged} acknowledged changes, ${inFlightCommitted} unacknowledged but committed, ${order.length} downloads queued`,
    );
  });
});
