import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/core/options.js';
import { createSharedSourceFactory } from '../../src/engine/source-factory.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';

const BODY = randomBytesSeeded(4097, 'trust');

let certs: TestCertificates;
let server: TestServer;
let dir: string;
beforeAll(async () => {
  certs = await makeTestCertificates();
  server = await startTestServer({ files: { '/t.bin': { body: BODY } }, https: { certPem: certs.certPem, keyPem: certs.keyPem } });
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-factory-trust-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function fetchWhole(factory: ReturnType<typeof createSharedSourceFactory>, options: ReturnType<typeof resolveOptions>): Promise<string> {
  const source = factory.createSource(server.url('/t.bin'), options);
  try {
    const probe = await source.probe(new AbortController().signal);
    const parts: Uint8Array[] = [];
    for await (const chunk of probe.body ?? []) parts.push(chunk);
    return sha256(Buffer.concat(parts));
  } finally {
    await source.close();
  }
}

describe('the shared source factory and TLS trust', () => {
  it('HTTPS transports with other settings share the CA file parsed once', async () => {
    const ca = path.join(dir, 'ca.pem');
    await copyFile(certs.caFile, ca);
    const factory = createSharedSourceFactory();
    try {
      expect(await fetchWhole(factory, resolveOptions({ caCertificate: ca, timeoutMs: 5000 }))).toBe(sha256(BODY));
      // A transport of its own (another timeout), after the file stopped being a certificate: it
      // trusts the server only through the context the first transport made.
      await writeFile(ca, 'not a certificate\n');
      expect(await fetchWhole(factory, resolveOptions({ caCertificate: ca, timeoutMs: 6000 }))).toBe(sha256(BODY));
    } finally {
      factory.close();
    }
    // A factory of its own reads the file anew, and fails on it.
    const fresh = createSharedSourceFactory();
    try {
      await expect(fetchWhole(fresh, resolveOptions({ caCertificate: ca, timeoutMs: 5000 }))).rejects.toMatchObject({ code: 'USAGE' });
    } finally {
      fresh.close();
    }
  });
});
