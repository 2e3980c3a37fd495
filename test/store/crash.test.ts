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

type Op = { kind: 'add' | 'move'; gid: string; pos: number } | { kind: 'active' | 'done'; gid: string };

/** The queue order and the history (oldest first), as gids. */
interface Model {
  queue: string[];
  history: string[];
}

/** Apply `op` to the model as the store does (positions clamped). */
function apply(model: Model, op: Op): Model {
  const queue = [...model.queue];
  const history = [...model.history];
  if (op.kind === 'add') queue.splice(Math.min(op.pos, queue.length), 0, op.gid);
  else if (op.kind === 'move') {
    queue.splice(queue.indexOf(op.gid), 1);
    queue.splice(Math.min(op.pos, queue.length), 0, op.gid);
  } else if (op.kind === 'done') {
    queue.splice(queue.indexOf(op.gid), 1);
    history.push(op.gid);
  }
  return { queue, history };
}

function parse(line: string): Op {
  const [kind, gid, pos] = line.split(' ');
  return kind === 'active' || kind === 'done' ? { kind, gid } : { kind: kind as 'add' | 'move', gid, pos: Number(pos) };
}

describe('crash safety', () => {
  it('every acknowledged change survives SIGKILL at random moments: queue in place, history kept, options intact', { timeout: 180_000 }, async () => {
    const file = path.join(dir, 'ferry.db');
    let model: Model = { queue: [], history: [] };
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
          model = apply(model, pending as Op);
          acknowledged++;
          pending = undefined;
        } else pending = parse(line);
      }
      const store = openStore(file);
      const queue = store.queue();
      const stopped = store.stopped(0, store.stoppedCount() + 1);
      store.close();
      const actual: Model = { queue: queue.map((d) => d.gid), history: stopped.map((d) => d.gid) };
      // The change in flight at the kill either committed entirely or not at all.
      const candidates = pending === undefined ? [model] : [model, apply(model, pending)];
      expect(candidates).toContainEqual(actual);
      if (JSON.stringify(actual) !== JSON.stringify(model)) inFlightCommitted++;
      model = actual;
      expect(new Set([...actual.queue, ...actual.history]).size).toBe(actual.queue.length + actual.history.length);
      expect(queue.map((d) => d.position)).toEqual(actual.queue.map((_, i) => i));
      for (const d of [...queue, ...stopped]) {
        expect(d.status).toBe(d.position === undefined ? 'complete' : 'waiting');
        expect(d.uris).toEqual(crashUris(d.gid));
        expect(d.options).toEqual(crashOptions(d.gid));
      }
      for (const d of stopped) expect(d).toMatchObject({ completedBytes: 1, totalBytes: 1 });
    }
    // The loop really ran: many acknowledged changes over the rounds.
    expect(acknowledged).toBeGreaterThan(rounds);
    console.log(
      `crash test: ${rounds} kills, ${acknowledged} acknowledged changes, ${inFlightCommitted} unacknowledged but committed, ${model.queue.length} downloads queued, ${model.history.length} in history`,
    );
  });
});
