import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ftpsCiphers } from '../../../src/sources/ftp/tls-ciphers.js';

describe('ftpsCiphers', () => {
  it("puts AES-128-GCM first and keeps every suite of Node's default list", () => {
    const list = ftpsCiphers().split(':');
    expect(list[0]).toBe('TLS_AES_128_GCM_SHA256');
    expect([...list].sort()).toEqual(tls.DEFAULT_CIPHERS.split(':').sort());
  });

  it('leaves a list without that suite as it is', () => {
    expect(ftpsCiphers('TLS_AES_256_GCM_SHA384:HIGH')).toBe('TLS_AES_256_GCM_SHA384:HIGH');
    expect(ftpsCiphers('TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:HIGH')).toBe('TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:HIGH');
  });
});
