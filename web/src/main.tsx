/** The page's entry: one RPC client, one store, one session, the actions, and the App on top. */
import { render } from 'preact';
import { createRpcClient } from './rpc/rpc-client.js';
import { rpcUrl } from './rpc/rpc-url.js';
import { createActions } from './store/actions.js';
import { createDownloadsStore } from './store/downloads-store.js';
import { createSession } from './store/session.js';
import { App } from './ui/app.js';
import './styles.css';

/** Where the browser keeps the RPC secret (localStorage; never the URL). */
const SECRET_KEY = 'ferry.rpc-secret';

const readSecret = (): string => {
  try {
    return localStorage.getItem(SECRET_KEY) ?? '';
  } catch {
    return '';
  }
};

const endpoint = rpcUrl(location.href);
const client = createRpcClient({ url: endpoint, secret: readSecret() });
const store = createDownloadsStore();
const session = createSession({ client, store });
const actions = createActions(client, store, session);
const root = document.getElementById('app');
if (root !== null) {
  render(<App store={store} session={session} actions={actions} endpoint={endpoint} saveSecret={(s) => localStorage.setItem(SECRET_KEY, s)} />, root);
}
