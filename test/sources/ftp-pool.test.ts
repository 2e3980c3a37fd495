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
});
