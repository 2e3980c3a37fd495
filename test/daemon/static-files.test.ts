/**
 * The web page handler on a real RPC server: Content-Type, Cache-Control (hashed assets immutable,
 * index.html revalidated), nosniff, a CSP that lets the page talk to its own daemon only, nothing
 * outside the folder (`..` raw or encoded, symbolic links), 404 for the rest; the page's origin
 * passes the Origin check.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControl, contentType, createStaticFiles, relativeFile } from '../../src/daemon/static-files.js';
import { type RpcServer, startRpcServer } from '../../src/rpc/server.js';
import { FakeService } from '../rpc/fake-service.js';

let base: string;
let server: RpcServer;
const INDEX = '<!doctype html><title>ferry</title><script type="module" src="/assets/index-AbCd1234.js"></script>';

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-web-'));
  const root = path.join(base, 'web');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), INDEX);
  await writeFile(path.join(root, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
  await writeFile(path.join(root, 'assets', 'index-Zz9_8yXw.css'), 'body{}');
  await writeFile(path.join(root, 'favicon.svg'), '<svg/>');
  await writeFile(path.join(root, 'empty.txt'), '');
  await writeFile(path.join(base, 'secret.txt'), 'do not serve');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'link.txt'));
  server = await startRpcServer({
    service: new FakeService(),
    downloadRoot: base,
    version: '0.1.0',
    port: 0,
    otherPaths: (req, res, p) => createStaticFiles(root).serve(req, res, p),
  });
});
afterAll(async () => {
  await server?.close();
  await rm(base, { recursive: true, force: true });
});

/** A raw request (the path goes out exactly as given: no client normalizes `..`). */
function get(target: string, method = 'GET', host = `127.0.0.1:${server.port}`): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(server.port, '127.0.0.1');
    let text = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (text += d));
    s.on('error', reject);
    s.on('end', () => {
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    s.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

describe('the web page handler', () => {
  it('serves index.html at / with no-cache, nosniff and a strict CSP naming its own daemon', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toBe(INDEX);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const csp = r.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' http://127.0.0.1:${server.port} ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await get('/index.html')).body).toBe(INDEX);
  });

  it('hashed assets are immutable, with their types; a 0-byte file is served', async () => {
    const js = await get('/assets/index-AbCd1234.js');
    expect([js.status, js.headers['content-type'], js.headers['cache-control'], js.body]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
      'console.log(1)',
    ]);
    const css = await get('/assets/index-Zz9_8yXw.css');
    expect([css.headers['content-type'], css.headers['cache-control']]).toEqual(['text/css; charset=utf-8', 'public, max-age=31536000, immutable']);
    const svg = await get('/favicon.svg');
    expect([svg.headers['content-type'], svg.headers['cache-control']]).toEqual(['image/svg+xml', 'no-cache']);
    const empty = await get('/empty.txt');
    expect([empty.status, empty.headers['content-length'], empty.body]).toEqual([200, '0', '']);
    const head = await get('/', 'HEAD');
    expect([head.status, head.headers['content-length'], head.body]).toEqual([200, String(INDEX.length), '']);
  });

  it('nothing outside the folder: .. raw and encoded, backslashes, NUL, symbolic links; other paths 404', async () => {
    for (const target of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/index.html%00.js',
      '/link.txt',
      '/assets',
      '/assets/',
      '/nope.html',
      '/%zz',
      '//etc/passwd',
    ]) {
      const r = await get(target);
      expect({ target, status: r.status }).toEqual({ target, status: 404 });
      expect(r.body).not.toContain('do not serve');
    }
    expect((await get('/', 'POST')).status).toBe(404);
  });

  it('a foreign Host gets no page (DNS rebinding); RPC still answers at /jsonrpc', async () => {
    expect((await get('/', 'GET', `evil.example:${server.port}`)).status).toBe(404);
    expect((await get('/jsonrpc?method=aria2.getVersion&id=1')).status).toBe(200);
  });

  it('pure helpers', () => {
    expect(relativeFile('/')).toBe('index.html');
    expect(relativeFile('/a/b.js')).toBe('a/b.js');
    expect(relativeFile('/a/../b')).toBeUndefined();
    expect(relativeFile('/a//b')).toBeUndefined();
    expect(contentType('x.woff2')).toBe('font/woff2');
    expect(contentType('x.unknown')).toBe('application/octet-stream');
    expect(cacheControl('/assets/app.js')).toBe('no-cache');
    expect(cacheControl('/index-AbCd1234.js')).toBe('no-cache');
  });
});
