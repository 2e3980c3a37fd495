/**
 * The WebSocket URL of the JSON-RPC endpoint for a page at `href`: the same host and port, path
 * `/jsonrpc`, `wss:` under https. A `?rpc=` parameter overrides it (for development against another
 * daemon); an http(s) override is turned into ws(s). The secret is never read from the URL.
 */
export function rpcUrl(href: string): string {
  const page = new URL(href);
  const override = page.searchParams.get('rpc');
  if (override !== null && override !== '') {
    const u = new URL(override, page);
    if (u.protocol === 'http:') u.protocol = 'ws:';
    else if (u.protocol === 'https:') u.protocol = 'wss:';
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/jsonrpc';
    u.username = '';
    u.password = '';
    return u.toString();
  }
  return `${page.protocol === 'https:' ? 'wss:' : 'ws:'}//${page.host}/jsonrpc`;
}
