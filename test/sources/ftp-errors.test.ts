import { describe, expect, it } from 'vitest';
import { parseFtpReplies } from '../../src/core/ftp-reply.js';
import { isLimitReply, loginError, replyError, replyText, socketError, timeoutError } from '../../src/sources/ftp/errors.js';
import { unsafeIn } from '../helpers/terminal.js';

const reply = (text: string) => parseFtpReplies(`${text}\r\n`).replies[0];
const where = 'ftp://h:21/p/f.bin';

describe('ftp error mapping', () => {
  it.each([
    ['421 Too many connections', 'FTP', true, 421],
    ['530 Sorry, the maximum number of clients (3) for this user are already connected.', 'FTP', true, 530],
    ['425 Can not open data connection', 'NETWORK', true, 425],
    ['426 Connection closed; transfer aborted', 'NETWORK', true, 426],
    ['450 File busy', 'FTP', true, 450],
    ['451 Local error', 'FTP', true, 451],
    ['550 No such file', 'FTP', false, 550],
    ['553 Not allowed', 'FTP', false, 553],
    ['what?', 'BAD_RESPONSE', false, undefined],
  ])('%s -> %s retryable=%s', (text, code, retryable, status) => {
    const e = replyError(where, 'RETR', reply(text));
    expect([e.code, e.retryable, e.status]).toEqual([code, retryable, status]);
    expect(e.message.startsWith(`${where}: `)).toBe(true);
    expect(e.message).not.toContain('\n');
  });

  it('gives limit refusals a back-off delay', () => {
    expect(isLimitReply(reply('421 Service not available'))).toBe(true);
    expect(isLimitReply(reply('530 Login incorrect.'))).toBe(false);
    expect(replyError(where, 'login', reply('421 x')).retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(replyError(where, 'RETR', reply('550 x')).retryAfterMs).toBeUndefined();
  });

  it('makes a wrong login a permanent FTP error with a hint', () => {
    const e = loginError(where, 'bob', reply('530 Login incorrect.'));
    expect([e.code, e.retryable, e.status]).toEqual(['FTP', false, 530]);
    expect(e.message).toBe(`${where}: login failed for user "bob" (530 Login incorrect.)`);
    expect(e.hint).toMatch(/--ftp-user\/--ftp-password/);
    expect(loginError(where, 'bob', reply('530 Too many users, try again later')).retryable).toBe(true);
  });

  it('maps socket errors to NETWORK, TLS or their own FerryError', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect([socketError(where, 'data connection', reset, false).code, socketError(where, 'x', reset, true).code]).toEqual(['NETWORK', 'NETWORK']);
    const cert = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const tls = socketError(where, 'control connection', cert, true);
    expect([tls.code, tls.retryable]).toEqual(['TLS', false]);
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND h'), { code: 'ENOTFOUND' });
    expect(socketError(where, 'control connection', dns, false).retryable).toBe(false);
    const own = timeoutError(where, 'waiting for data', 5);
    expect(own.message).toBe(`${where}: timed out waiting for data (5 ms)`);
    expect(socketError(where, 'x', own, true)).toBe(own);
    expect([own.code, own.retryable]).toEqual(['TIMEOUT', true]);
  });

  it.each([
    ['an OSC title', '550 No\u001b]0;pwned\u0007 such file', '550 No such file'],
    ['OSC 52', '530 Login\u001b]52;c;ZWNobw==\u001b\\ incorrect.', '530 Login incorrect.'],
    ['CSI', '421 Bye\u001b[2J\u001b[H', '421 Bye'],
    ['C1 and bidi', '550 x\u009d0;t\u009c\u0085\u202e', '550 x??'],
  ])('reply text with %s is terminal-safe in every message', (_what, text, clean) => {
    const r = reply(text);
    expect(replyText(r)).toBe(clean);
    for (const e of [replyError(where, 'RETR', r), loginError(where, 'bob', r)]) {
      expect(e.message).toContain(clean);
      expect(unsafeIn(e.message)).toEqual([]);
    }
    expect(unsafeIn(socketError(where, 'data connection', new Error(text), false).message)).toEqual([]);
  });
});
