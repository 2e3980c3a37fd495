import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { parseFtpUrl } from '../../src/core/ftp-url.js';
import { DEFAULT_OPTIONS } from '../../src/core/options.js';
import { resolveFtpCredentials } from '../../src/sources/ftp/credentials.js';
import { createFtpSource, type FtpSourceOptions } from '../../src/sources/ftp/source.js';
import { startFtpServer, type TestFtpServer } from '../helpers/ftp-server.js';

const never = new AbortController().signal;
const PASSWORD = 'p@ss:w/rd %';
let dir: string;
let server: TestFtpServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-ftp-cred-'));
  server = await startFtpServer({
    files: { '/home/f.txt': { body: Buffer.from('hello ftp'), mtime: new Date(0) } },
    users: { alice: PASSWORD },
    switches: { anonymous: false },
  });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function fetchAs(url: string, o: Partial<FtpSourceOptions>): Promise<string> {
  const source = createFtpSource(url, { ...DEFAULT_OPTIONS, connections: 1, homeDir: dir, ...o });
  try {
    const parts: Uint8Array[] = [];
    for await (const c of await source.read({ start: 0 }, {}, never)) parts.push(c);
    return Buffer.concat(parts).toString();
  } finally {
    await source.close();
  }
}

describe('ftp credentials against a server', () => {
  it('logs in with percent-encoded URL credentials', async () => {
    expect(await fetchAs(server.url('/home/f.txt', { user: 'alice', password: PASSWORD }), {})).toBe('hello ftp');
    expect(server.stats.users).toEqual(['alice']);
  });

  it('logs in with ftpUser/ftpPassword', async () => {
    expect(await fetchAs(server.url('/home/f.txt'), { ftpUser: 'alice', ftpPassword: PASSWORD })).toBe('hello ftp');
    expect(server.stats.users).toEqual(['alice']);
  });

  it('logs in with ~/.netrc (homeDir) and with an explicit netrc file', async () => {
    await writeFile(path.join(dir, '.netrc'), `machine 127.0.0.1\n  login alice\n  password "${PASSWORD}"\n`);
    expect(await fetchAs(server.url('/home/f.txt'), {})).toBe('hello ftp');
    const other = path.join(dir, 'other-netrc');
    await writeFile(other, `default login alice password "${PASSWORD}"\n`);
    expect(await fetchAs(server.url('/home/f.txt'), { homeDir: '/nonexistent', netrcPath: other })).toBe('hello ftp');
    expect(server.stats.users).toEqual(['alice', 'alice']);
  });

  it('fails with a 530 FTP error on a wrong password', async () => {
    try {
      await fetchAs(server.url('/home/f.txt', { user: 'alice', password: 'wrong' }), {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FerryError);
      expect([(e as FerryError).code, (e as FerryError).status]).toEqual(['FTP', 530]);
      expect((e as FerryError).message).toContain('"alice"');
      expect((e as FerryError).message).not.toContain('wrong');
    }
    expect(server.stats.logins).toBe(0);
  });
});

describe('resolveFtpCredentials', () => {
  const url = (u: string) => parseFtpUrl(u);

  it('defaults to anonymous with an e-mail-like password', async () => {
    expect(await resolveFtpCredentials(url('ftp://h/f'), { homeDir: dir })).toEqual({ user: 'anonymous', password: 'ferry@' });
  });

  it('prefers URL credentials over options and netrc', async () => {
    await writeFile(path.join(dir, '.netrc'), 'machine h login n password np\n');
    const opts = { homeDir: dir, ftpUser: 'o', ftpPassword: 'op' };
    expect(await resolveFtpCredentials(url('ftp://u:up@h/f'), opts)).toEqual({ user: 'u', password: 'up' });
    expect(await resolveFtpCredentials(url('ftp://h/f'), opts)).toEqual({ user: 'o', password: 'op' });
    expect(await resolveFtpCredentials(url('ftp://h/f'), { homeDir: dir })).toEqual({ user: 'n', password: 'np' });
  });

  it("never pairs a user with another user's password", async () => {
    await writeFile(path.join(dir, '.netrc'), 'machine h login n password np\n');
    const r = await resolveFtpCredentials(url('ftp://u@h/f'), { homeDir: dir, ftpUser: 'o', ftpPassword: 'op' });
    expect(r).toEqual({ user: 'u', password: '' });
    const withPw = await resolveFtpCredentials(url('ftp://n@h/f'), { homeDir: dir });
    expect(withPw).toEqual({ user: 'n', password: 'np' });
    const optPw = await resolveFtpCredentials(url('ftp://u@h/f'), { homeDir: dir, ftpPassword: 'given' });
    expect(optPw).toEqual({ user: 'u', password: 'given' });
  });

  it('fails with USAGE for an unreadable explicit netrc file only', async () => {
    await expect(resolveFtpCredentials(url('ftp://h/f'), { netrcPath: path.join(dir, 'missing') })).rejects.toMatchObject({
      code: 'USAGE',
    });
    expect((await resolveFtpCredentials(url('ftp://h/f'), { homeDir: path.join(dir, 'missing') })).user).toBe('anonymous');
  });
});
