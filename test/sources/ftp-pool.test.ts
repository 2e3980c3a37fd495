import { describe, expect, it } from 'vitest';
import { FtpPool } from '../../src/sources/ftp/pool.js';
import type { FtpSession } from '../../src/sources/ftp/session.js';

function fakeSession(): FtpSession & { quits: number } {
  const s = {
    quits: 0,
    reusable: true,
    control: {
      broken: false,
      hasUnreadReplies: false,
      quit: () => {
        s.quits++;
      },
    },
    stop: () => {},
  };
  return s as unknown as FtpSession & { quits: number };
}

describe('FtpPool', () => {
  it('reuses an idle session, and quits one left idle too long', async () => {
    const made: Array<FtpSession & { quits: number }> = [];
    const pool = new FtpPool(
      async () => {
        const s = fakeSession();
        made.push(s);
        return s;
      },
      4,
      50,
    );
    const a = await pool.acquire(new AbortController().signal);
    pool.release(a.session, true);
    const b = await pool.acquire(new AbortController().signal);
    expect(b).toMatchObject({ reused: true });
    pool.release(b.session, true);
    expect(pool.idleCount).toBe(1);
    await new Promise((r) => setTimeout(r, 120));
    expect(pool.idleCount).toBe(0);
    expect(made[0].quits).toBe(1);
    const c = await pool.acquire(new AbortController().signal);
    expect(c.reused).toBe(false);
    pool.close();
  });

  it('waits for a session whose final reply is due instead of logging in again', async () => {
    const made: FtpSession[] = [];
    const pool = new FtpPool(async () => {
      const s = fakeSession();
      made.push(s);
      return s;
    }, 4);
    const a = await pool.acquire(new AbortController().signal);
    let settle = () => {};
    pool.track(
      a.session,
      new Promise<void>((r) => {
        settle = () => {
          pool.release(a.session, true);
          r();
        };
      }),
    );
    const next = pool.acquire(new AbortController().signal);
    await new Promise((r) => setTimeout(r, 50));
    expect(made).toHaveLength(1);
    settle();
    expect(await next).toMatchObject({ reused: true, session: a.session });
    // A settle that ends unclean (session closed) leads to a fresh login.
    const b = await next;
    pool.track(
      b.session,
      Promise.resolve().then(() => pool.release(b.session, false)),
    );
    expect((await pool.acquire(new AbortController().signal)).reused).toBe(false);
    expect(made).toHaveLength(2);
    // An abort while waiting rejects with ABORTED.
    const c = await pool.acquire(new AbortController().signal);
    pool.track(c.session, new Promise<void>(() => {}));
    const ac = new AbortController();
    const waiting = pool.acquire(ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    pool.close();
  });
});
