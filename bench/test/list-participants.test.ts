import { describe, expect, it } from 'vitest';
import { ftpParticipants, lftpQuote } from '../lib/ftp-participants.js';
import { aria2List, curlList, LIST_FLOOR_SCRIPT, listParticipants, urlList } from '../lib/list-participants.js';
import { isSelected } from '../lib/participants.js';

const entries = [
  { url: 'http://127.0.0.1:1/set/f0001.bin', name: 'f0001.bin' },
  { url: 'http://127.0.0.1:1/set/f0002.bin', name: 'f0002.bin' },
];

describe('list files', () => {
  it('renders aria2 input (read by ferry and aria2c)', () => {
    expect(aria2List(entries)).toBe('http://127.0.0.1:1/set/f0001.bin\n  out=f0001.bin\nhttp://127.0.0.1:1/set/f0002.bin\n  out=f0002.bin\n');
    expect(aria2List([])).toBe('');
  });
  it('renders a curl config with quoted values', () => {
    expect(curlList(entries.slice(0, 1))).toBe('url = "http://127.0.0.1:1/set/f0001.bin"\noutput = "f0001.bin"\n');
    expect(curlList([{ url: 'http://h/a"b\\c', name: 'x"y' }])).toBe('url = "http://h/a\\"b\\\\c"\noutput = "x\\"y"\n');
  });
  it('renders one URL per line', () => {
    expect(urlList(entries)).toBe('http://127.0.0.1:1/set/f0001.bin\nhttp://127.0.0.1:1/set/f0002.bin\n');
  });
});

describe('list participants', () => {
  const all = listParticipants('/repo/dist/cli/ferry');
  const line = (name: string): string => {
    const p = all.find((x) => x.name === name);
    if (!p) throw new Error(name);
    return [p.program, ...p.prefixArgs, ...p.args({ listFile: '/w/l.txt', dir: '/out', jobs: 16 })].join(' ');
  };
  it('builds the documented command lines', () => {
    expect(line('ferry')).toBe('/repo/dist/cli/ferry -i /w/l.txt -j 16 -n 1 -d /out -q');
    expect(line('aria2c')).toBe('aria2c -i /w/l.txt -j16 -x1 -s1 -d /out --allow-overwrite=true --quiet=true --summary-interval=0 --console-log-level=error');
    expect(line('curl')).toBe('curl --parallel --parallel-max 16 -sS --no-progress-meter -f --output-dir /out -K /w/l.txt');
    expect(line('wget')).toBe('wget -q -nd -P /out -i /w/l.txt');
    expect(line('node-floor')).toBe(`node ${LIST_FLOOR_SCRIPT} durable all /out /w/l.txt 16`);
    expect(LIST_FLOOR_SCRIPT).toMatch(/\/bench\/list-floor\.mjs$/);
  });
  it('keeps the sequential wget out of the latency list', () => {
    expect(all.filter((p) => p.scenarios.includes('files-500-latency')).map((p) => p.name)).toEqual(['ferry', 'aria2c', 'curl', 'node-floor']);
    expect(all.filter((p) => p.scenarios.includes('files-500')).map((p) => p.name)).toEqual(['ferry', 'aria2c', 'curl', 'node-floor', 'wget']);
  });
});

describe('FTP participants', () => {
  const job = { url: 'ftp://127.0.0.1:21/data.bin', dir: '/out', file: 'out.bin', connections: 16, source: '/data/data.bin' };
  const lines = (tls: boolean): Record<string, string> =>
    Object.fromEntries(ftpParticipants('/repo/bin.js', tls).map((p) => [p.name, [p.program, ...p.prefixArgs, ...p.args(job)].join(' ')]));
  it('builds plain FTP command lines with fixed connection counts', () => {
    expect(lines(false)).toEqual({
      'ferry-n4': '/repo/bin.js ftp://127.0.0.1:21/data.bin -n 4 -o out.bin -d /out -q',
      'ferry-n8': '/repo/bin.js ftp://127.0.0.1:21/data.bin -n 8 -o out.bin -d /out -q',
      'ferry-n1': '/repo/bin.js ftp://127.0.0.1:21/data.bin -n 1 -o out.bin -d /out -q',
      'ferry-n4-nofsync': '/repo/bin.js ftp://127.0.0.1:21/data.bin -n 4 -o out.bin -d /out -q --no-fsync',
      aria2c: 'aria2c -x4 -s4 -k1M -d /out -o out.bin --quiet=true --summary-interval=0 --console-log-level=error ftp://127.0.0.1:21/data.bin',
      lftp: 'lftp -c pget -n 4 "ftp://127.0.0.1:21/data.bin" -o "/out/out.bin"',
      curl: 'curl -sS -f -o /out/out.bin ftp://127.0.0.1:21/data.bin',
      'dd-fdatasync': 'dd if=/data/data.bin of=/out/out.bin bs=4M conv=fdatasync status=none',
    });
  });
  it('asks every tool for explicit FTPS, and marks aria2c n/a', () => {
    const l = lines(true);
    expect(l['ferry-n4']).toMatch(/ -q --ftp-ssl --insecure$/);
    expect(l.curl).toBe('curl -sS -f --ssl-reqd -k -o /out/out.bin ftp://127.0.0.1:21/data.bin');
    expect(l.lftp).toBe(
      'lftp -c set ssl:verify-certificate no; set ftp:ssl-force true; set ftp:ssl-allow-anonymous true; set ftp:ssl-protect-data true; pget -n 4 "ftp://127.0.0.1:21/data.bin" -o "/out/out.bin"',
    );
    expect(ftpParticipants('s', true).find((p) => p.name === 'aria2c')?.unsupported).toBe('aria2 has no FTPS');
    expect(ftpParticipants('s', false).every((p) => p.unsupported === undefined)).toBe(true);
  });
  it('quotes lftp words', () => {
    expect(lftpQuote('/a b/"c"\\')).toBe('"/a b/\\"c\\"\\\\"');
  });
  it('selects a family by its name', () => {
    expect(isSelected(undefined, 'ferry-n4')).toBe(true);
    expect(isSelected(['ferry'], 'ferry-n4')).toBe(true);
    expect(isSelected(['ferry'], 'ferry')).toBe(true);
    expect(isSelected(['ferry-n8'], 'ferry-n4')).toBe(false);
    expect(isSelected(['curl'], 'aria2c')).toBe(false);
    expect(isSelected([], 'curl')).toBe(false);
  });
});
