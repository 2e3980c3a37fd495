import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createEngine, type DownloadDeps, type Engine, type EngineOptions } from '../../src/index.js';
import { startTestServer, type TestServer } from './http-server.js';

/** What a test of the engine gets afresh: read these inside a test (or a hook), never at load time. */
export interface EngineFixture {
  /** This test's own temp dir, removed after the test. */
  readonly dir: string;
  /** This test's loopback HTTP server, closed after the test. */
  readonly server: TestServer;
  /**
   * `createEngine(options, deps)` saving into `dir` unless `options.dir` says otherwise; every
   * engine made here is closed after the test (before the server closes and the dir goes).
   */
  engine(options?: EngineOptions, deps?: DownloadDeps): Engine;
}

/**
 * Registers the `beforeEach`/`afterEach` pair of an engine test file: a temp dir named
 * `<tmpdir>/<prefix>XXXXXX` and a loopback server before each test; after it, the engines made
 * with `engine()` closed, the server closed and the dir removed.
 */
export function useEngineFixture(prefix: string): EngineFixture {
  let dir: string | undefined;
  let server: TestServer | undefined;
  const engines: Engine[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    await server?.close();
    server = undefined;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const now = <T>(what: string, v: T | undefined): T => {
    if (v === undefined) throw new Error(`the engine fixture's ${what} exists only while a test runs`);
    return v;
  };
  return {
    get dir() {
      return now('dir', dir);
    },
    get server() {
      return now('server', server);
    },
    engine(options = {}, deps = {}) {
      const e = createEngine({ dir: now('dir', dir), ...options }, deps);
      engines.push(e);
      return e;
    },
  };
}
