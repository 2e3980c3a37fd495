import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../src/core/http-auth.js';
import { HttpLogin, type HttpLoginOptions } from '../../src/sources/http/auth.js';

let dir: string;
let netrc: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-http-auth-'));
  netrc = path.join(dir, 'netrc');
  await writeFile(netrc, 'machine h.example login nina password from-netrc\nmachine other.example login x password y\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const url = new URL('http://h.example/f');
const BASIC = 'Basic realm="r"';
const DIGEST = 'Digest realm="r", nonce="n1", qop="auth"';

/** The Authorization a login sends after a Basic challenge (or before, when it is explicit). */
async function basicAfterChallenge(userUrl: URL, options: HttpLoginOptions): Promise<string | undefined> {
  const login = new HttpLogin(userUrl, { netrcPath: netrc, ...options });
  const first = await login.authorization(url, '/f');
  if (first.header !== undefined) return first.header;
  await login.answer(BASIC, first.sent, 'h.example');
  return (await login.authorization(url, '/f')).header;
}

describe('HttpLogin: where credentials come from', () => {
  it.each<[string, URL, HttpLoginOptions, string | undefined]>([
    ['the URL first', new URL('http://ann:url%20pw@h.example/f'), { httpUser: 'bob', httpPassword: 'opt' }, basicAuthorization('ann', 'url pw')],
    ['then the options', url, { httpUser: 'bob', httpPassword: 'opt' }, basicAuthorization('bob', 'opt')],
    ['then netrc', url, {}, basicAuthorization('nina', 'from-netrc')],
    ['netrc fills the password of the named user', url, { httpUser: 'nina' }, basicAuthorization('nina', 'from-netrc')],
    ["never another user's netrc password", url, { httpUser: 'zed' }, basicAuthorization('zed', '')],
    [
      "never the options' password for the URL's other user",
      new URL('http://ann@h.example/f'),
      { httpUser: 'bob', httpPassword: 'opt' },
      basicAuthorization('ann', ''),
    ],
  ])('%s', async (_name, userUrl, options, want) => {
    expect(await basicAfterChallenge(userUrl, options)).toBe(want);
  });

  it('netrc credentials wait for a challenge; explicit ones do not', async () => {
    expect((await new HttpLogin(url, { netrcPath: netrc }).authorization(url, '/f')).header).toBeUndefined();
    expect((await new HttpLogin(url, { netrcPath: netrc, httpUser: 'a', httpPassword: 'b' }).authorization(url, '/f')).header).toBe(
      basicAuthorization('a', 'b'),
    );
  });

  it('nothing for another origin (host, port or scheme)', async () => {
    const login = new HttpLogin(url, { httpUser: 'a', httpPassword: 'b' });
    for (const other of ['http://h.example:81/f', 'https://h.example/f', 'http://x.example/f']) {
      expect(await login.authorization(new URL(other), '/f')).toEqual({ sent: { scheme: 'none' } });
    }
  });
});

describe('HttpLogin: answering 401s', () => {
  it('no credentials at all: the needs-a-login error', async () => {
    const login = new HttpLogin(url, { netrcPath: path.join(dir, 'empty') });
    await writeFile(path.join(dir, 'empty'), '');
    await expect(login.answer(BASIC, { scheme: 'none' }, 'h.example')).rejects.toThrow(/needs a login: use --http-user\/--http-passwd or --user/);
  });

  it('Basic refused twice is a refusal; Digest counts nc up per request', async () => {
    let n = 0;
    const login = new HttpLogin(url, { httpUser: 'a', httpPassword: 'b' }, () => `c${n++}`);
    await expect(login.answer(BASIC, { scheme: 'basic' }, 'h.example')).rejects.toThrow(/refused the login/);
    await login.answer(DIGEST, { scheme: 'basic' }, 'h.example');
    const sent = [await login.authorization(url, '/f'), await login.authorization(url, '/f')];
    expect(sent[0].header).toContain('nc=00000001');
    expect(sent[1].header).toContain('nc=00000002');
    expect(sent[0].sent).toEqual({ scheme: 'digest', nonce: 'n1' });
    // The same nonce refused again (not stale): the password is wrong.
    await expect(login.answer(DIGEST, sent[0].sent, 'h.example')).rejects.toThrow(/refused the login/);
    // Stale: a new nonce, counted from 1 again.
    await login.answer('Digest realm="r", nonce="n2", qop="auth", stale=true', sent[1].sent, 'h.example');
    expect((await login.authorization(url, '/f')).header).toMatch(/nonce="n2".*nc=00000001/);
    // A late 401 for the old nonce (another connection renewed it meanwhile): try the new one.
    await expect(login.answer(DIGEST, sent[1].sent, 'h.example')).resolves.toBeUndefined();
  });

  it('a challenge ferry cannot answer is one clear error', async () => {
    const login = new HttpLogin(url, { httpUser: 'a', httpPassword: 'b' });
    await expect(login.answer('Negotiate', { scheme: 'none' }, 'h.example')).rejects.toThrow(/cannot give/);
  });
});
