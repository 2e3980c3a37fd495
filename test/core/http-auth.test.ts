import { describe, expect, it } from 'vitest';
import {
  basicAuthorization,
  chooseChallenge,
  type DigestChallenge,
  digestAuthorization,
  digestResponse,
  parseChallenges,
  toDigestChallenge,
} from '../../src/core/http-auth.js';

describe('parseChallenges', () => {
  it.each<[string, ReturnType<typeof parseChallenges>]>([
    ['Basic realm="x"', [{ scheme: 'basic', params: { realm: 'x' } }]],
    ['Basic', [{ scheme: 'basic', params: {} }]],
    ['Bearer abc.def==', [{ scheme: 'bearer', params: {}, token68: 'abc.def==' }]],
    [
      'Negotiate, Basic realm="r"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'r' } },
      ],
    ],
    [
      'Digest realm="a, b", qop="auth,auth-int", nonce="n\\"1", algorithm=MD5, Basic realm="x"',
      [
        { scheme: 'digest', params: { realm: 'a, b', qop: 'auth,auth-int', nonce: 'n"1', algorithm: 'MD5' } },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    ['DIGEST  Realm = "r" ,NONCE=abc', [{ scheme: 'digest', params: { realm: 'r', nonce: 'abc' } }]],
    ['', []],
    [', ,', []],
  ])('%j', (header, want) => {
    expect(parseChallenges(header)).toEqual(want);
  });

  it('is empty for no header', () => {
    expect(parseChallenges(undefined)).toEqual([]);
  });
});

describe('basicAuthorization', () => {
  it.each([
    ['Aladdin', 'open sesame', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='], // RFC 7617 section 2
    ['test', '123\u00a3', 'Basic dGVzdDoxMjPCow=='], // RFC 7617 section 2.1 (UTF-8)
    ['', '', 'Basic Og=='],
  ])('%s / %s', (user, password, want) => {
    expect(basicAuthorization(user, password)).toBe(want);
  });
});

// RFC 7616 section 3.9.1.
const rfc7616 = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};
const request = {
  user: 'Mufasa',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nc: 1,
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

describe('digestResponse', () => {
  it.each<[string, DigestChallenge, typeof request, string]>([
    ['RFC 7616 MD5', { ...rfc7616, algorithm: 'MD5', qop: 'auth', stale: false }, request, '8ca523f5e9506fed4657c9700eebdbec'],
    [
      'RFC 7616 SHA-256',
      { ...rfc7616, algorithm: 'SHA-256', qop: 'auth', stale: false },
      request,
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    ],
    [
      'RFC 2617 MD5',
      { realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', algorithm: 'MD5', qop: 'auth', stale: false },
      { ...request, password: 'Circle Of Life', cnonce: '0a4f113b' },
      '6629fae49393a05397450978507c4ef1',
    ],
    // Without qop (RFC 2069): H(HA1:nonce:HA2), computed apart with Python's hashlib.
    [
      'no qop',
      { realm: 'r', nonce: 'n', algorithm: 'MD5', stale: false },
      { ...request, user: 'u', password: 'p', uri: '/' },
      'f23121ca97143c6b358da620220c83b4',
    ],
  ])('%s', (_name, challenge, r, want) => {
    expect(digestResponse(challenge, r)).toBe(want);
  });

  it('MD5-sess hashes the nonce and cnonce into HA1', () => {
    const plain = digestResponse({ ...rfc7616, algorithm: 'MD5', qop: 'auth', stale: false }, request);
    const sess = digestResponse({ ...rfc7616, algorithm: 'MD5-sess', qop: 'auth', stale: false }, request);
    expect(sess).toMatch(/^[0-9a-f]{32}$/);
    expect(sess).not.toBe(plain);
    // Another cnonce changes a -sess response twice (HA1 and the final hash).
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5-sess', qop: 'auth', stale: false }, { ...request, cnonce: 'x' })).not.toBe(sess);
  });
});

describe('digestAuthorization', () => {
  it('writes every field RFC 7616 asks for, quoted where it must be', () => {
    const value = digestAuthorization({ ...rfc7616, algorithm: 'SHA-256', qop: 'auth', stale: false }, { ...request, nc: 26 });
    expect(value).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
        `uri="/dir/index.html", algorithm=SHA-256, response="${digestResponse({ ...rfc7616, algorithm: 'SHA-256', qop: 'auth', stale: false }, { ...request, nc: 26 })}", ` +
        'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=0000001a, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"',
    );
  });

  it('escapes quotes in the user name and leaves qop fields out without qop', () => {
    const value = digestAuthorization({ realm: 'r', nonce: 'n', algorithm: 'MD5', stale: false }, { ...request, user: 'a"b\\c' });
    expect(value).toContain('username="a\\"b\\\\c"');
    expect(value).not.toContain('qop=');
    expect(value).not.toContain('nc=');
  });
});

describe('toDigestChallenge / chooseChallenge', () => {
  const digest = (params: string) => parseChallenges(`Digest ${params}`)[0];

  it.each<[string, Partial<DigestChallenge> | undefined]>([
    ['realm="r", nonce="n"', { realm: 'r', nonce: 'n', algorithm: 'MD5', qop: undefined, stale: false }],
    ['realm="r", nonce="n", qop="auth-int,auth", algorithm=sha-256-SESS, stale=TRUE', { algorithm: 'SHA-256-sess', qop: 'auth', stale: true }],
    ['realm="r", nonce="n", qop="auth-int"', undefined],
    ['realm="r", nonce="n", algorithm=SHA-512-256', undefined],
    ['realm="r", nonce="n", userhash=true', undefined],
    ['realm="r"', undefined],
  ])('%s', (params, want) => {
    const got = toDigestChallenge(digest(params));
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });

  it('prefers Digest SHA-256, then Digest MD5, then Basic', () => {
    const all = parseChallenges('Basic realm="b", Digest realm="m", nonce="1", Digest realm="s", nonce="2", algorithm=SHA-256');
    expect(chooseChallenge(all)).toMatchObject({ scheme: 'digest', digest: { algorithm: 'SHA-256', nonce: '2' } });
    expect(chooseChallenge(all.slice(0, 2))).toMatchObject({ scheme: 'digest', digest: { algorithm: 'MD5' } });
    expect(chooseChallenge(all.slice(0, 1))).toEqual({ scheme: 'basic' });
    expect(chooseChallenge(parseChallenges('Negotiate abc'))).toBeUndefined();
  });
});
