import { DEFAULT_OPTIONS } from '../../src/core/options.js';
import type { Source } from '../../src/core/types.js';
import { createHttpSource, type HttpSourceOptions } from '../../src/sources/http/source.js';
import type { Cleanup } from '../helpers/cleanups.js';

/**
 * `source(url, opts)`: an HTTP source with the defaults, 4 connections and 2 s timeouts (`opts`
 * win), handed to `defer` to be closed after the test.
 */
export function httpSourceMaker(defer: (c: Cleanup) => void): (url: string, opts?: Partial<HttpSourceOptions>) => Source {
  return (url, opts = {}) => {
    const src = createHttpSource(url, { ...DEFAULT_OPTIONS, timeoutMs: 2000, connectTimeoutMs: 2000, connections: 4, ...opts });
    defer(() => src.close());
    return src;
  };
}
