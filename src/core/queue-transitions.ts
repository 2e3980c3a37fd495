/**
 * The queue's state machine as one pure function: (status, command) -> next status, the action the
 * engine must take and the event it announces. The engine only applies what this returns, so the
 * table test of every (status x command) pair is the whole truth about pause, resume and cancel.
 *
 * Invariants:
 * - the last command asked wins: a stop in flight carries what was asked last (`stopping-pause`,
 *   `stopping-restart`, `stopping-cancel`), and the run's end lands in that state;
 * - a running Download exists exactly while the status is one of the ACTIVE ones: only `start`
 *   enters them and only `ended` leaves them;
 * - cancel is final: nothing leaves `cancelled`, and a cancel in flight ignores pause and resume;
 * - remove is a cancel that keeps the files: its stop in flight is `stopping-cancel` too, so the
 *   one that reached `stopping-cancel` first decides whether the partial files are deleted;
 * - `complete` is final too, and a run that ends complete is complete whatever was asked while it
 *   finished: its file is whole and in place, so a cancel or remove that came during its final
 *   sync or rename came too late to stop it (as with aria2, curl and wget).
 */

/** What `get()` and `list()` report. */
export type QueueState = 'waiting' | 'active' | 'paused' | 'complete' | 'error' | 'cancelled';

/**
 * A running download and what was asked of it last: nothing (`running`, which covers its probe,
 * transfer, checksum and rename), or a stop in flight that ends paused, waiting (a resume asked
 * while a pause was stopping) or cancelled.
 */
export type ActiveStatus = 'running' | 'stopping-pause' | 'stopping-restart' | 'stopping-cancel';

/** The queue's own view of one download. */
export type QueueStatus = Exclude<QueueState, 'active'> | ActiveStatus;

/** How a run ended by itself (a Download's result or rejection). */
export type RunOutcome = 'complete' | 'stopped' | 'cancelled' | 'error';

export type QueueCommand =
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'cancel' }
  /** Like cancel, but the partial and control files stay on disk (aria2's `remove`). */
  | { kind: 'remove' }
  /** Stop a running download and queue it again in its place (to apply changed options or URIs). */
  | { kind: 'restart' }
  | { kind: 'move' }
  /** The engine is closing: running downloads stop resumable (as a pause). */
  | { kind: 'close' }
  /** The scheduler gives a waiting download a slot. */
  | { kind: 'start' }
  /** The run ended; `mirror` = it failed and another mirror may be tried. */
  | { kind: 'ended'; outcome: RunOutcome; mirror?: boolean };

/**
 * What the engine does: `run` starts a Download, `stop` / `cancel-run` abort the running one
 * (cancel also removes its partial files), `remove-partial` removes the partial files a run left
 * behind, `next-mirror` switches to the next URL, `reorder` moves the item in the queue.
 */
export type QueueAction = 'none' | 'run' | 'stop' | 'cancel-run' | 'remove-partial' | 'next-mirror' | 'reorder';

/** The event announced on the way into the new status. */
export type QueueEvent = 'pause' | 'resume' | 'cancel' | 'error' | 'complete';

export interface QueueTransition {
  next: QueueStatus;
  action: QueueAction;
  event?: QueueEvent;
}

export const ACTIVE_STATUSES: readonly ActiveStatus[] = ['running', 'stopping-pause', 'stopping-restart', 'stopping-cancel'];

export const QUEUE_STATUSES: readonly QueueStatus[] = ['waiting', ...ACTIVE_STATUSES, 'paused', 'complete', 'error', 'cancelled'];

/** True while a Download runs for the item (the queue counts it against max active). */
export function isActive(s: QueueStatus): s is ActiveStatus {
  return (ACTIVE_STATUSES as readonly string[]).includes(s);
}

/** The public state of a status. */
export function publicState(s: QueueStatus): QueueState {
  return isActive(s) ? 'active' : s;
}

const stay = (s: QueueStatus): QueueTransition => ({ next: s, action: 'none' });

/** The next status, action and event for `command` in status `s`. Total: every pair has an answer. */
export function queueTransition(s: QueueStatus, command: QueueCommand): QueueTransition {
  if (command.kind === 'move') return { next: s, action: 'reorder' };
  if (command.kind === 'ended') return isActive(s) ? ended(s, command.outcome, command.mirror === true) : stay(s);
  switch (s) {
    case 'waiting':
      if (command.kind === 'remove') return { next: 'cancelled', action: 'none', event: 'cancel' };
      if (command.kind === 'pause') return { next: 'paused', action: 'none', event: 'pause' };
      if (command.kind === 'cancel') return { next: 'cancelled', action: 'remove-partial', event: 'cancel' };
      if (command.kind === 'start') return { next: 'running', action: 'run' };
      return stay(s);
    case 'paused':
    case 'error':
      if (command.kind === 'remove') return { next: 'cancelled', action: 'none', event: 'cancel' };
      if (command.kind === 'resume') return { next: 'waiting', action: 'none', event: 'resume' };
      if (command.kind === 'cancel') return { next: 'cancelled', action: 'remove-partial', event: 'cancel' };
      return stay(s);
    case 'running':
      if (command.kind === 'pause' || command.kind === 'close') return { next: 'stopping-pause', action: 'stop' };
      if (command.kind === 'cancel') return { next: 'stopping-cancel', action: 'cancel-run' };
      if (command.kind === 'remove') return { next: 'stopping-cancel', action: 'stop' };
      if (command.kind === 'restart') return { next: 'stopping-restart', action: 'stop' };
      return stay(s);
    case 'stopping-pause':
      if (command.kind === 'resume') return { next: 'stopping-restart', action: 'none', event: 'resume' };
      if (command.kind === 'cancel') return { next: 'stopping-cancel', action: 'cancel-run' };
      if (command.kind === 'remove') return { next: 'stopping-cancel', action: 'stop' };
      return stay(s);
    case 'stopping-restart':
      if (command.kind === 'pause' || command.kind === 'close') return { next: 'stopping-pause', action: 'none' };
      if (command.kind === 'cancel') return { next: 'stopping-cancel', action: 'cancel-run' };
      if (command.kind === 'remove') return { next: 'stopping-cancel', action: 'stop' };
      return stay(s);
    case 'stopping-cancel':
    case 'complete':
    case 'cancelled':
      return stay(s);
  }
}

function ended(s: ActiveStatus, outcome: RunOutcome, mirror: boolean): QueueTransition {
  if (outcome === 'complete') return { next: 'complete', action: 'none', event: 'complete' };
  if (s === 'stopping-cancel' || outcome === 'cancelled') return { next: 'cancelled', action: 'none', event: 'cancel' };
  if (s === 'stopping-pause') return { next: 'paused', action: 'none', event: 'pause' };
  // A resume asked while the pause was stopping: back in line, whatever ended the old run.
  if (s === 'stopping-restart') return { next: 'waiting', action: 'none' };
  // Nobody asked this run to stop.
  if (outcome === 'stopped') return { next: 'paused', action: 'none', event: 'pause' };
  if (mirror) return { next: 'waiting', action: 'next-mirror' };
  return { next: 'error', action: 'none', event: 'error' };
}
