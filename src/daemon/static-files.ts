/**
 * The web page's files (the built `dist/web/`: `index.html` and its assets), served by the
 * daemon's HTTP server at `/`. Only regular files inside the folder are served, whatever the path
 * says (`..`, encoded slashes, NUL, symbolic links out of it): anything else is 404.
 */
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A Vite asset name carries a content hash (`index-BXf3a9Qz.js`): it never changes, so it may be cached for good. */
const HASHED = /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** The Content-Type of a file name (unknown: bytes). */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The Cache-Control of a served path: hashed assets are immutable, everything else is revalidated. */
export function cacheControl(urlPath: string): string {
  return urlPath.startsWith('/assets/') && HASHED.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** The page may talk to the daemon that served it (HTTP and WebSocket), and load nothing from elsewhere. */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' http://${host} ws://${host}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The relative file a URL path names inside the folder, or undefined when it cannot name one. */
export function relativeFile(urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const parts = decoded.split('/').slice(1);
  if (parts.some((p) => p === '..' || p === '.' || (p === '' && parts.length > 1))) return undefined;
  const rel = parts.join('/');
  return rel === '' ? 'index.html' : rel;
}

/** Serves files of `root`; `serve` resolves false when the request is not for one of them (then the caller answers 404). */
export interface StaticFiles {
  serve(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<boolean>;
}

/** The static handler over `root` (an absolute folder; it may not exist: then nothing is served). */
export function createStaticFiles(root: string): StaticFiles {
  return {
    async serve(req, res, urlPath) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const rel = relativeFile(urlPath);
      if (rel === undefined) return false;
      let file: string;
      let size: number;
      try {
        const realRoot = await fs.realpath(root);
        file = await fs.realpath(path.join(realRoot, rel));
        if (!file.startsWith(realRoot + path.sep)) return false;
        const st = await fs.stat(file);
        if (!st.isFile()) return false;
        size = st.size;
      } catch {
        return false;
      }
      res.writeHead(200, {
        'Content-Type': contentType(file),
        'Content-Length': size,
        'Cache-Control': cacheControl(`/${rel}`),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': contentSecurityPolicy(req.headers.host ?? ''),
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
      });
      if (req.method === 'HEAD') {
        res.end();
        return true;
      }
      await new Promise<void>((resolve) => {
        const stream = createReadStream(file);
        stream.on('error', () => {
          res.destroy();
          resolve();
        });
        stream.on('end', resolve);
        stream.pipe(res);
      });
      return true;
    },
  };
}
