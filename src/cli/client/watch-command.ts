/**
 * `ferry watch [--interval SECONDS]`: the live queue view of the daemon, fed from polls of
 * tellActive / tellWaiting / tellStopped. `q` (or Ctrl-C) quits the watch, not the daemon;
 * `p` pauses every download, or resumes them all when none is active. Without a terminal the
 * view is printed once.
 */
import { FerryError } from '../../core/errors.js';
import { readMilliseconds } from '../../core/input-file-values.js';
import type { CliIO } from '../io.js';
import { attachKeys } from '../keys.js';
import { LiveView } from '../live-view.js';
import { type QueueItemView, renderQueue } from '../queue-render.js';
import { STATUS_KEYS, toQueueItem } from './aria2-status.js';
import { readLists } from './daemon-lists.js';
import type { RpcClient } from './rpc-client.js';

/** The key hint of the watch (renderQueue's own speaks of the one-shot queue). */
export const WATCH_FOOTER = 'p pause/resume all · q quit watch (the daemon keeps running)';

/** The queue as ferry's view models, in queue order: active, waiting, then stopped. */
async function poll(rpc: RpcClient): Promise<QueueItemView[]> {
  const lists = await readLists(rpc, true, STATUS_KEYS);
  return [...lists.active, ...lists.waiting, ...lists.stopped].map(toQueueItem);
}

/** The view's lines: renderQueue without its footer, and the watch's own. */
function viewLines(items: QueueItemView[], width: number, rows: number): string[] {
  const lines = renderQueue(items, width, { maxLines: Math.max(3, rows - 2) });
  return [...lines.slice(0, -1), WATCH_FOOTER.length <= width ? WATCH_FOOTER : 'q quit'];
}

/** Parse `--interval S` (default 1 s). */
function parseWatchArgs(argv: readonly string[]): number {
  let interval = 1000;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--interval' && i + 1 < argv.length) interval = readMilliseconds('--interval', argv[++i], true);
    else if (arg.startsWith('--interval=')) interval = readMilliseconds('--interval', arg.slice(11), true);
    else if (arg !== '--debug') throw new FerryError('USAGE', `ferry watch has no option '${arg}'`, { hint: 'see ferry watch --help' });
  }
  return interval;
}

/** Watch the daemon until `q`, Ctrl-C, or the daemon going away; resolves to the exit code. */
export async function watchCommand(rpc: RpcClient, argv: readonly string[], io: CliIO): Promise<number> {
  const intervalMs = parseWatchArgs(argv);
  const out = io.stderr;
  if (out.isTTY !== true) {
    const items = await poll(rpc);
    io.stdout.write(`${viewLines(items, out.columns ?? 80, Number.POSITIVE_INFINITY).join('\n')}\n`);
    return 0;
  }
  let items: QueueItemView[] = [];
  const live = new LiveView(out, (width, rows) => viewLines(items, width, rows), 250);
  return await new Promise<number>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    // Invariant: after finish() no poll starts and nothing is drawn (a poll in flight is ignored).
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      detach();
      unsubscribe();
      live.stop();
      if (error === undefined) resolve(0);
      else reject(error);
    };
    // Keys are live before the first answer, so a `q` typed at once is not lost.
    const detach = io.stdin
      ? attachKeys(io.stdin, (command) => {
          if (command === 'quit') finish();
          if (command === 'toggle-pause') {
            const anyActive = items.some((i) => i.state === 'active');
            rpc.call(anyActive ? 'aria2.pauseAll' : 'aria2.unpauseAll').catch(finish);
          }
        })
      : () => {};
    const unsubscribe = io.onInterrupt(() => finish());
    const tick = (): void => {
      poll(rpc).then(
        (next) => {
          if (done) return;
          items = next;
          if (!live.running) live.start();
          live.redraw();
          timer = setTimeout(tick, intervalMs);
        },
        (e: unknown) => finish(e),
      );
    };
    tick();
  });
}
