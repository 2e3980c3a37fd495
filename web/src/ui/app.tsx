import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Actions } from '../store/actions.js';
import { type Download, type Filter, inQueue, matches } from '../store/download.js';
import type { DownloadsStore } from '../store/downloads-store.js';
import type { Session } from '../store/session.js';
import { AddPanel } from './add-panel.js';
import { CancelDialog } from './cancel-dialog.js';
import { DetailsDialog } from './details-dialog.js';
import { DownloadList } from './download-list.js';
import { GlobalSettings } from './global-settings.js';
import { SecretDialog } from './secret-dialog.js';
import { SpeedChart } from './speed-chart.js';
import { useSubscription } from './use-subscription.js';

const FILTERS: { id: Filter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'waiting', label: 'Waiting' },
  { id: 'paused', label: 'Paused' },
  { id: 'finished', label: 'Finished' },
  { id: 'failed', label: 'Failed' },
];

export interface AppProps {
  store: DownloadsStore;
  session: Session;
  actions: Actions;
  /** Where the page talks to (shown when the daemon cannot be reached). */
  endpoint: string;
  saveSecret(secret: string): void;
}

/** The whole page: header with speed and global actions, the add form, filters, the list, dialogs. */
export function App({ store, session, actions, endpoint, saveSecret }: AppProps) {
  const downloads = useSubscription(store, () => store.list());
  const s = useSubscription(session, () => session.state());
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [cancelling, setCancelling] = useState<Download | undefined>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);
  // The add form starts open on screens wide enough to show it beside the list.
  const [wide] = useState(() => window.matchMedia('(min-width: 700px)').matches);
  const addRef = useRef<HTMLTextAreaElement>(null);

  const shown = useMemo(() => downloads.filter((d) => matches(d, filter, query)), [downloads, filter, query]);
  const queue = useMemo(() => downloads.filter(inQueue).map((d) => d.gid), [downloads]);
  const counts = useMemo(() => {
    const c: Record<Filter, number> = { all: 0, active: 0, waiting: 0, paused: 0, finished: 0, failed: 0 };
    for (const f of FILTERS) c[f.id] = downloads.filter((d) => matches(d, f.id, '')).length;
    return c;
  }, [downloads]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, dialog') !== null || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/') searchRef.current?.focus();
      else if (e.key === 'n') {
        const box = addRef.current?.closest('details');
        if (box !== null && box !== undefined) box.open = true;
        addRef.current?.focus();
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const offline = s.connection !== 'open';
  return (
    <>
      <header class="top">
        <h1>ferry</h1>
        <p class={`conn conn-${offline ? 'down' : 'up'}`} role="status">
          {s.connection === 'open'
            ? `Connected${s.version === '' ? '' : ` · ${s.version}`}`
            : s.connection === 'connecting'
              ? 'Connecting…'
              : 'Daemon unreachable'}
        </p>
        <SpeedChart samples={s.speedSamples} speed={s.downloadSpeed} />
        <div class="global-actions">
          <button type="button" onClick={() => void actions.pauseAll()} disabled={offline}>
            Pause all
          </button>
          <button type="button" onClick={() => void actions.resumeAll()} disabled={offline}>
            Resume all
          </button>
          <button type="button" onClick={() => void actions.purgeFinished()} disabled={offline}>
            Clear finished
          </button>
        </div>
      </header>
      {s.connection === 'closed' && (
        <div class="banner" role="alert">
          Cannot reach the daemon at <span class="mono">{endpoint}</span>. Retrying by itself…
        </div>
      )}
      {s.message !== undefined && (
        <div class="banner warn" role="alert">
          {s.message}
        </div>
      )}
      <main>
        <section class="panel">
          <details class="add-box" open={wide}>
            <summary>Add downloads</summary>
            <AddPanel actions={actions} inputRef={addRef} />
          </details>
          <details class="limits">
            <summary>Global limits</summary>
            <GlobalSettings options={s.globalOptions} onChange={(k, v) => void actions.setGlobalOption(k, v)} />
          </details>
        </section>
        <section class="downloads" aria-labelledby="list-title">
          <h2 id="list-title" class="visually-hidden">
            Downloads
          </h2>
          <div class="toolbar">
            <fieldset class="filters">
              <legend class="visually-hidden">Show</legend>
              {FILTERS.map((f) => (
                <label key={f.id} class={filter === f.id ? 'chip on' : 'chip'}>
                  <input type="radio" name="filter" value={f.id} checked={filter === f.id} onChange={() => setFilter(f.id)} />
                  {f.label} <span class="count">{counts[f.id]}</span>
                </label>
              ))}
            </fieldset>
            <label class="search">
              <span class="visually-hidden">Search downloads</span>
              <input ref={searchRef} type="search" placeholder="Search (/)" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
            </label>
          </div>
          {shown.length === 0 && <p class="empty">{downloads.length === 0 ? 'No downloads yet: paste a link above.' : 'Nothing matches.'}</p>}
          <DownloadList
            downloads={shown}
            queue={queue}
            move={(gid, i) => void actions.move(gid, i)}
            handlers={{
              pause: (d) => void actions.pause(d.gid),
              resume: (d) => void actions.resume(d.gid),
              retry: (d) => void actions.retry(d.gid),
              cancel: (d) => setCancelling(d),
              open: (d) => setOpen(d.gid),
            }}
          />
        </section>
      </main>
      {open !== undefined && <DetailsDialog gid={open} actions={actions} onClose={() => setOpen(undefined)} />}
      {cancelling !== undefined && (
        <CancelDialog
          d={cancelling}
          canDelete={s.features.remove}
          onClose={() => setCancelling(undefined)}
          onConfirm={(deleteFiles) => {
            setCancelling(undefined);
            void actions.cancel(cancelling.gid, deleteFiles);
          }}
        />
      )}
      {s.auth === 'needed' && s.connection === 'open' && (
        <SecretDialog
          error={s.authError}
          onSubmit={(secret) => {
            saveSecret(secret);
            session.useSecret(secret);
          }}
        />
      )}
    </>
  );
}
