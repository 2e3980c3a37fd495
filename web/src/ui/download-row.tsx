import { etaSeconds, formatBytes, formatDuration, formatSpeed } from '../lib/format.js';
import { type Download, fractionOf, inQueue, percentOf, STATE_WORDS } from '../store/download.js';
import { Icon } from './icons.js';

/**
 * Every row is this tall, in rem (styles.css sets --row-h to the same): the virtual list relies on
 * it, and rows grow with the root font size (larger on big screens).
 */
export const ROW_REM = 5.5;

export interface RowHandlers {
  pause(d: Download): void;
  resume(d: Download): void;
  retry(d: Download): void;
  cancel(d: Download): void;
  open(d: Download): void;
  /** Start dragging the row by its handle. */
  grab(d: Download, e: PointerEvent): void;
  keyDown(d: Download, e: KeyboardEvent): void;
  focus(d: Download): void;
}

/** What the row says about its size and speed, in one line. */
function stats(d: Download): string {
  const size =
    d.total > 0 || d.state === 'complete' ? `${formatBytes(d.completed)} of ${formatBytes(d.total)}` : `${formatBytes(d.completed)}, size not known yet`;
  if (d.state !== 'active') return size;
  const eta = formatDuration(etaSeconds(d.completed, d.total, d.speed));
  return `${size} · ${formatSpeed(d.speed)} · ETA ${eta} · ${d.connections} conn.`;
}

/** One download of the list: name, state, bar, numbers, and its buttons. */
export function DownloadRow(props: { d: Download; top: number; focusable: boolean; dragOffset?: number; handlers: RowHandlers }) {
  const { d, handlers: h } = props;
  const percent = percentOf(d);
  const canPause = d.state === 'active' || d.state === 'waiting';
  const canRetry = d.state === 'error' || d.state === 'removed';
  const style = `transform: translateY(${props.top + (props.dragOffset ?? 0)}px)`;
  return (
    <li
      class={`row state-${d.state}${props.dragOffset === undefined ? '' : ' dragging'}`}
      style={style}
      data-gid={d.gid}
      tabIndex={props.focusable ? 0 : -1}
      aria-label={`${d.name}, ${STATE_WORDS[d.state]}, ${percent}`}
      onKeyDown={(e) => h.keyDown(d, e)}
      onFocus={(e) => e.target === e.currentTarget && h.focus(d)}
    >
      {inQueue(d) ? (
        <span class="grip" title="Drag to reorder (or Alt+↑/↓)" aria-hidden="true" onPointerDown={(e) => h.grab(d, e)}>
          <Icon name="grip" />
        </span>
      ) : (
        <span class="grip" aria-hidden="true" />
      )}
      <span class="name" title={d.name}>
        {d.name}
      </span>
      <span class={`badge badge-${d.state}`}>{STATE_WORDS[d.state]}</span>
      <span class="buttons">
        {canPause && (
          <button
            type="button"
            tabIndex={props.focusable ? 0 : -1}
            class="icon-button"
            aria-label={`Pause ${d.name}`}
            title="Pause (Space)"
            onClick={() => h.pause(d)}
          >
            <Icon name="pause" />
          </button>
        )}
        {d.state === 'paused' && (
          <button
            type="button"
            tabIndex={props.focusable ? 0 : -1}
            class="icon-button"
            aria-label={`Resume ${d.name}`}
            title="Resume (Space)"
            onClick={() => h.resume(d)}
          >
            <Icon name="play" />
          </button>
        )}
        {canRetry && (
          <button
            type="button"
            tabIndex={props.focusable ? 0 : -1}
            class="icon-button"
            aria-label={`Retry ${d.name}`}
            title="Retry (R)"
            onClick={() => h.retry(d)}
          >
            <Icon name="retry" />
          </button>
        )}
        <button
          type="button"
          tabIndex={props.focusable ? 0 : -1}
          class="icon-button"
          aria-label={`Details of ${d.name}`}
          title="Details (Enter)"
          onClick={() => h.open(d)}
        >
          <Icon name="info" />
        </button>
        <button
          type="button"
          tabIndex={props.focusable ? 0 : -1}
          class="icon-button"
          aria-label={`Cancel ${d.name}`}
          title="Cancel or remove (Delete)"
          onClick={() => h.cancel(d)}
        >
          <Icon name="cancel" />
        </button>
      </span>
      <span
        class="bar"
        role="progressbar"
        aria-label={`Progress of ${d.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === '--' ? undefined : Number.parseInt(percent, 10)}
      >
        <span class="fill" style={`width: ${(fractionOf(d) * 100).toFixed(2)}%`} />
      </span>
      <span class="stats">
        <span class="percent">{percent}</span> {d.error === undefined ? stats(d) : <span class="error">{d.error}</span>}
      </span>
    </li>
  );
}
