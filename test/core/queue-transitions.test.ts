import { describe, expect, it } from 'vitest';
import { isActive, publicState, QUEUE_STATUSES, type QueueCommand, type QueueStatus, queueTransition } from '../../src/core/queue-transitions.js';

const COMMANDS: Record<string, QueueCommand> = {
  pause: { kind: 'pause' },
  resume: { kind: 'resume' },
  cancel: { kind: 'cancel' },
  remove: { kind: 'remove' },
  restart: { kind: 'restart' },
  move: { kind: 'move' },
  close: { kind: 'close' },
  start: { kind: 'start' },
  'ended:complete': { kind: 'ended', outcome: 'complete' },
  'ended:stopped': { kind: 'ended', outcome: 'stopped' },
  'ended:cancelled': { kind: 'ended', outcome: 'cancelled' },
  'ended:error': { kind: 'ended', outcome: 'error' },
  'ended:error+mirror': { kind: 'ended', outcome: 'error', mirror: true },
};

/**
 * Every (status x command): "next action event" (action and event '-' when none). Written out by
 * hand from the rules, not derived from the code: the last command asked wins, cancel is final,
 * only `start` enters an active status and only `ended` leaves one.
 */
const TABLE: Record<QueueStatus, Record<keyof typeof COMMANDS, string>> = {
  waiting: {
    pause: 'paused - pause',
    resume: 'waiting - -',
    cancel: 'cancelled remove-partial cancel',
    remove: 'cancelled - cancel',
    restart: 'waiting - -',
    move: 'waiting reorder -',
    close: 'waiting - -',
    start: 'running run -',
    'ended:complete': 'waiting - -',
    'ended:stopped': 'waiting - -',
    'ended:cancelled': 'waiting - -',
    'ended:error': 'waiting - -',
    'ended:error+mirror': 'waiting - -',
  },
  running: {
    pause: 'stopping-pause stop -',
    resume: 'running - -',
    cancel: 'stopping-cancel cancel-run -',
    remove: 'stopping-cancel stop -',
    restart: 'stopping-restart stop -',
    move: 'running reorder -',
    close: 'stopping-pause stop -',
    start: 'running - -',
    'ended:complete': 'complete - complete',
    'ended:stopped': 'paused - pause',
    'ended:cancelled': 'cancelled - cancel',
    'ended:error': 'error - error',
    'ended:error+mirror': 'waiting next-mirror -',
  },
  'stopping-pause': {
    pause: 'stopping-pause - -',
    resume: 'stopping-restart - resume',
    cancel: 'stopping-cancel cancel-run -',
    remove: 'stopping-cancel stop -',
    restart: 'stopping-pause - -',
    move: 'stopping-pause reorder -',
    close: 'stopping-pause - -',
    start: 'stopping-pause - -',
    'ended:complete': 'complete - complete',
    'ended:stopped': 'paused - pause',
    'ended:cancelled': 'cancelled - cancel',
    'ended:error': 'paused - pause',
    'ended:error+mirror': 'paused - pause',
  },
  'stopping-restart': {
    pause: 'stopping-pause - -',
    resume: 'stopping-restart - -',
    cancel: 'stopping-cancel cancel-run -',
    remove: 'stopping-cancel stop -',
    restart: 'stopping-restart - -',
    move: 'stopping-restart reorder -',
    close: 'stopping-pause - -',
    start: 'stopping-restart - -',
    'ended:complete': 'complete - complete',
    'ended:stopped': 'waiting - -',
    'ended:cancelled': 'cancelled - cancel',
    'ended:error': 'waiting - -',
    'ended:error+mirror': 'waiting - -',
  },
  'stopping-cancel': {
    pause: 'stopping-cancel - -',
    resume: 'stopping-cancel - -',
    cancel: 'stopping-cancel - -',
    remove: 'stopping-cancel - -',
    restart: 'stopping-cancel - -',
    move: 'stopping-cancel reorder -',
    close: 'stopping-cancel - -',
    start: 'stopping-cancel - -',
    'ended:complete': 'complete - complete',
    'ended:stopped': 'cancelled - cancel',
    'ended:cancelled': 'cancelled - cancel',
    'ended:error': 'cancelled - cancel',
    'ended:error+mirror': 'cancelled - cancel',
  },
  paused: {
    pause: 'paused - -',
    resume: 'waiting - resume',
    cancel: 'cancelled remove-partial cancel',
    remove: 'cancelled - cancel',
    restart: 'paused - -',
    move: 'paused reorder -',
    close: 'paused - -',
    start: 'paused - -',
    'ended:complete': 'paused - -',
    'ended:stopped': 'paused - -',
    'ended:cancelled': 'paused - -',
    'ended:error': 'paused - -',
    'ended:error+mirror': 'paused - -',
  },
  error: {
    pause: 'error - -',
    resume: 'waiting - resume',
    cancel: 'cancelled remove-partial cancel',
    remove: 'cancelled - cancel',
    restart: 'error - -',
    move: 'error reorder -',
    close: 'error - -',
    start: 'error - -',
    'ended:complete': 'error - -',
    'ended:stopped': 'error - -',
    'ended:cancelled': 'error - -',
    'ended:error': 'error - -',
    'ended:error+mirror': 'error - -',
  },
  complete: {
    pause: 'complete - -',
    resume: 'complete - -',
    cancel: 'complete - -',
    remove: 'complete - -',
    restart: 'complete - -',
    move: 'complete reorder -',
    close: 'complete - -',
    start: 'complete - -',
    'ended:complete': 'complete - -',
    'ended:stopped': 'complete - -',
    'ended:cancelled': 'complete - -',
    'ended:error': 'complete - -',
    'ended:error+mirror': 'complete - -',
  },
  cancelled: {
    pause: 'cancelled - -',
    resume: 'cancelled - -',
    cancel: 'cancelled - -',
    remove: 'cancelled - -',
    restart: 'cancelled - -',
    move: 'cancelled reorder -',
    close: 'cancelled - -',
    start: 'cancelled - -',
    'ended:complete': 'cancelled - -',
    'ended:stopped': 'cancelled - -',
    'ended:cancelled': 'cancelled - -',
    'ended:error': 'cancelled - -',
    'ended:error+mirror': 'cancelled - -',
  },
};

const pairs = QUEUE_STATUSES.flatMap((s) => Object.keys(COMMANDS).map((c) => [s, c] as const));

describe('queue state machine', () => {
  it('the table covers every status', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...QUEUE_STATUSES].sort());
    expect(pairs.length).toBe(9 * 13);
  });

  it.each(pairs)('%s + %s', (status, command) => {
    const t = queueTransition(status, COMMANDS[command]);
    expect(`${t.next} ${t.action === 'none' ? '-' : t.action} ${t.event ?? '-'}`).toBe(TABLE[status][command]);
  });

  it('only start enters an active status and only ended leaves one (a Download runs exactly while active)', () => {
    for (const [status, command] of pairs) {
      const t = queueTransition(status, COMMANDS[command]);
      if (!isActive(status) && isActive(t.next)) {
        expect(command).toBe('start');
        expect(t.action).toBe('run');
      }
      if (isActive(status) && !isActive(t.next)) expect(command.startsWith('ended')).toBe(true);
      if (t.action === 'run') expect(status).toBe('waiting');
    }
  });

  it('the last command wins over any sequence of commands asked while a stop is in flight', () => {
    const asked = ['pause', 'resume', 'cancel'] as const;
    const final = { pause: 'paused', resume: 'waiting', cancel: 'cancelled' } as const;
    // Every sequence of up to 4 commands, asked of a running download before its run ends stopped.
    const sequences: string[][] = [[]];
    for (let n = 0; n < 4; n++) for (const seq of [...sequences]) if (seq.length === n) for (const c of asked) sequences.push([...seq, c]);
    for (const seq of sequences.filter((x) => x.length > 0)) {
      let s: QueueStatus = 'running';
      for (const c of seq) s = queueTransition(s, COMMANDS[c]).next;
      const ended = queueTransition(s, COMMANDS['ended:stopped']).next;
      // Cancel is final; otherwise the last pause or resume decides (a lone resume of a running one does nothing).
      const expected = seq.includes('cancel') ? 'cancelled' : seq.includes('pause') ? final[seq[seq.length - 1] as 'pause' | 'resume'] : 'paused';
      expect({ seq, ended }).toEqual({ seq, ended: expected });
    }
  });

  it('public states', () => {
    expect(QUEUE_STATUSES.map(publicState)).toEqual(['waiting', 'active', 'active', 'active', 'active', 'paused', 'complete', 'error', 'cancelled']);
  });
});
