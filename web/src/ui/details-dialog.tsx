import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatBytes, formatPercent, formatSpeed, num } from '../lib/format.js';
import { mapFromBitfield, mapFromSegments } from '../lib/segment-map.js';
import type { Actions, DownloadDetails } from '../store/actions.js';
import { STATE_WORDS, toDownload } from '../store/download.js';
import { Modal } from './modal.js';
import { SegmentBar } from './segment-bar.js';

/** How many cells the segment map has. */
const CELLS = 120;

/** Keys of tellStatus that carry the server's validators (ferry's daemon reports them when it knows them). */
const VALIDATOR_KEYS = ['etag', 'lastModified'];

/** One download in full: segment map (live), URIs and mirrors, options, validators, path on disk. */
export function DetailsDialog({ gid, actions, onClose }: { gid: string; actions: Actions; onClose: () => void }) {
  const [details, setDetails] = useState<DownloadDetails | undefined>(undefined);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      try {
        const d = await actions.details(gid);
        if (!live) return;
        setDetails(d);
        setError('');
      } catch (e) {
        if (live) setError((e as Error).message);
      }
      if (live) timer = setTimeout(load, 1000);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [gid, actions]);

  const s = details?.status;
  const d = s === undefined ? undefined : toDownload(s);
  const map =
    s === undefined
      ? undefined
      : details?.segments !== undefined
        ? mapFromSegments(details.segments, num(s.totalLength), CELLS)
        : mapFromBitfield(s.bitfield ?? '', num(s.numPieces), CELLS);
  // aria2 lists a URI once per connection that may use it: show each (uri, status) once.
  const uris = [...new Map((s?.files?.[0]?.uris ?? []).map((u) => [`${u.status} ${u.uri}`, u])).values()];
  const validators = VALIDATOR_KEYS.filter((k) => typeof s?.[k] === 'string' && s[k] !== '');
  const options = Object.entries(details?.options ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <Modal title={d?.name ?? 'Download'} onClose={onClose} class="details">
      {error !== '' && <p class="error">{error}</p>}
      {d !== undefined && s !== undefined && map !== undefined && (
        <div class="details-body">
          <dl class="facts">
            <dt>State</dt>
            <dd>{STATE_WORDS[d.state]}</dd>
            <dt>Done</dt>
            <dd>
              {formatBytes(d.completed)} of {d.total > 0 ? formatBytes(d.total) : 'unknown size'} ({formatPercent(d.completed, d.total)})
            </dd>
            {d.state === 'active' && (
              <>
                <dt>Speed</dt>
                <dd>
                  {formatSpeed(d.speed)}, {d.connections} connections
                </dd>
              </>
            )}
            <dt>On disk</dt>
            <dd class="path">{d.path === '' ? `${d.dir} (name not known yet)` : d.path}</dd>
            {d.error !== undefined && (
              <>
                <dt>Error</dt>
                <dd class="error">{d.error}</dd>
              </>
            )}
            <dt>GID</dt>
            <dd class="mono">{d.gid}</dd>
            {validators.map((k) => (
              <Fragment key={k}>
                <dt>{k === 'etag' ? 'ETag' : 'Last-Modified'}</dt>
                <dd class="mono">{String(s[k])}</dd>
              </Fragment>
            ))}
          </dl>
          <h3>Segments</h3>
          <SegmentBar map={map} />
          <h3>URIs and mirrors</h3>
          <ul class="uris">
            {uris.length === 0 && <li>none</li>}
            {uris.map((u) => (
              <li key={`${u.status} ${u.uri}`}>
                <span class="mono">{u.uri}</span>
                {u.status !== undefined && <span class="muted"> ({u.status === 'used' ? 'in use' : u.status})</span>}
              </li>
            ))}
          </ul>
          <details class="options-box">
            <summary>Options ({options.length})</summary>
            <table class="options">
              <tbody>
                {options.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td class="mono">{Array.isArray(v) ? v.join('\n') : v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </div>
      )}
    </Modal>
  );
}
