/**
 * The proxies the proxy tests go through, all on 127.0.0.1: tinyproxy (HTTP with CONNECT), a TLS
 * front before it (an HTTPS proxy), microsocks (SOCKS5 with a login) and ferry's own SOCKS4/4a
 * test server.
 */
import { type Microsocks, type Socks4Server, startMicrosocks, startSocks4Server } from './socks-proxy.js';
import { startTinyproxy, startTlsFront, type Tinyproxy, type TlsFront } from './tinyproxy.js';

/** The started proxies, stopped together by `close()`. */
export interface ProxySet {
  tiny: Tinyproxy;
  /** TLS terminated here, relayed to `tiny`. */
  front: TlsFront;
  socks5: Microsocks;
  socks4: Socks4Server;
  close(): Promise<void>;
}

/** Start every proxy of the set: `certs` for the TLS front, `socksLogin` for microsocks. */
export async function startProxySet(certs: { certPem: string; keyPem: string }, socksLogin: { user: string; password: string }): Promise<ProxySet> {
  const tiny = await startTinyproxy();
  const front = await startTlsFront(tiny.port, certs);
  const socks5 = await startMicrosocks(socksLogin);
  const socks4 = await startSocks4Server();
  return {
    tiny,
    front,
    socks5,
    socks4,
    close: async () => {
      await Promise.all([tiny.stop(), front.close(), socks5.stop(), socks4.close()]);
    },
  };
}
