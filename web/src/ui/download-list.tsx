import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { visibleWindow } from '../lib/visible-window.js';
import { type Download, inQueue } from '../store/download.js';
import { DownloadRow, ROW_REM, type RowHandlers } from './download-row.js';

export interface ListProps {
  /** The rows to show (filtered), in list order. */
  downloads: readonly Download[];
  /** The gids of the whole queue in the daemon's order (unfiltered): positions are indexes in it. */
  queue: readonly string[];
  move(gid: string, queueIndex: number): void;
  handlers: Omit<RowHandlers, 'grab' | 'keyDown' | 'focus'>;
}

interface Drag {
  gid: string;
  from: number;
  startY: number;
  dy: number;
}

/**
 * The downloads as a virtual list: only the rows in or near the window are in the page, so a queue
 * of thousands scrolls smoothly. One row at a time is in the tab order (arrow keys move between
 * rows); queued rows reorder by dragging their handle or with Alt+Arrow keys.
 */
export function DownloadList({ downloads, queue, move, handlers }: ListProps) {
  const listRef = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ scrollTop: 0, height: 800, rowHeight: ROW_REM * 16 });
  const rowHeight = view.rowHeight;
  const [focused, setFocused] = useState<string | undefined>(undefined);
  const [drag, setDrag] = useState<Drag | undefined>(undefined);
  const wantFocus = useRef(false);

  useLayoutEffect(() => {
    const measure = (): void => {
      const top = listRef.current?.getBoundingClientRect().top ?? 0;
      const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      setView({ scrollTop: Math.max(0, -top), height: window.innerHeight, rowHeight: ROW_REM * rem });
    };
    measure();
    window.addEventListener('scroll', measure, { passive: true });
    window.addEventListener('resize', measure);
    return () => {
      window.removeEventListener('scroll', measure);
      window.removeEventListener('resize', measure);
    };
  }, []);

  const focusIndex = Math.max(
    0,
    downloads.findIndex((d) => d.gid === focused),
  );
  const win = visibleWindow(downloads.length, rowHeight, view.scrollTop, view.height);
  // The focused row is always rendered, so that focus never falls out of the page.
  const indexes: number[] = [];
  for (let i = win.first; i < win.last; i++) indexes.push(i);
  if (downloads.length > 0 && !indexes.includes(focusIndex)) indexes.push(focusIndex);

  /** Focus the row of `gid` when it is in the page; true when it was (a render focuses it later). */
  const focusRendered = (gid: string | undefined): boolean => {
    const row = listRef.current?.querySelector<HTMLElement>(`[data-gid="${gid}"]`);
    if (row == null) return false;
    row.focus({ preventScroll: false });
    return true;
  };

  useEffect(() => {
    // Only rows in view are rendered: a row scrolled to (Home, End) may come with a later render.
    if (wantFocus.current && focusRendered(focused)) wantFocus.current = false;
  });

  const focusRow = (index: number): void => {
    const d = downloads[Math.max(0, Math.min(downloads.length - 1, index))];
    if (d === undefined) return;
    wantFocus.current = true;
    setFocused(d.gid);
    const list = listRef.current;
    if (list === null) return;
    // Scroll the page so that the row is inside the window before it is focused.
    const rowTop = list.getBoundingClientRect().top + window.scrollY + index * rowHeight;
    if (rowTop < window.scrollY) window.scrollTo({ top: rowTop });
    else if (rowTop + rowHeight > window.scrollY + window.innerHeight) window.scrollTo({ top: rowTop + rowHeight - window.innerHeight });
    // A row in the page takes the focus now: waiting for a render would wait forever when the
    // state does not change (the row was the focused one already, and the focus is elsewhere).
    if (focusRendered(d.gid)) wantFocus.current = false;
  };

  const moveBy = (d: Download, delta: number): void => {
    const at = queue.indexOf(d.gid);
    const to = Math.max(0, Math.min(queue.length - 1, at + delta));
    if (at < 0 || to === at) return;
    wantFocus.current = true;
    move(d.gid, to);
  };

  const rowHandlers: RowHandlers = {
    ...handlers,
    focus: (d) => setFocused(d.gid),
    keyDown(d, e) {
      if (e.target !== e.currentTarget) return;
      const i = downloads.findIndex((x) => x.gid === d.gid);
      const key = e.key;
      if (e.altKey && (key === 'ArrowUp' || key === 'ArrowDown')) moveBy(d, key === 'ArrowUp' ? -1 : 1);
      else if (key === 'ArrowDown') focusRow(i + 1);
      else if (key === 'ArrowUp') focusRow(i - 1);
      else if (key === 'Home') focusRow(0);
      else if (key === 'End') focusRow(downloads.length - 1);
      else if (key === 'PageDown') focusRow(i + Math.floor(window.innerHeight / rowHeight));
      else if (key === 'PageUp') focusRow(i - Math.floor(window.innerHeight / rowHeight));
      else if (key === 'Enter') handlers.open(d);
      else if (key === ' ') {
        if (d.state === 'paused') handlers.resume(d);
        else if (d.state === 'active' || d.state === 'waiting') handlers.pause(d);
      } else if (key === 'Delete' || key === 'Backspace') handlers.cancel(d);
      else if ((key === 'r' || key === 'R') && (d.state === 'error' || d.state === 'removed')) handlers.retry(d);
      else return;
      e.preventDefault();
    },
    grab(d, e) {
      if (e.button !== 0) return;
      e.preventDefault();
      (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
      setDrag({ gid: d.gid, from: downloads.findIndex((x) => x.gid === d.gid), startY: e.clientY, dy: 0 });
    },
  };

  const onPointerMove = (e: PointerEvent): void => {
    if (drag !== undefined) setDrag({ ...drag, dy: e.clientY - drag.startY });
  };
  const onPointerUp = (): void => {
    if (drag === undefined) return;
    setDrag(undefined);
    const target = Math.max(0, Math.min(downloads.length - 1, drag.from + Math.round(drag.dy / rowHeight)));
    if (target === drag.from) return;
    // Drop onto the nearest queued row in the drag's direction (only the queue can be reordered).
    const step = target > drag.from ? -1 : 1;
    for (let i = target; i !== drag.from; i += step) {
      const over = downloads[i];
      if (inQueue(over)) {
        move(drag.gid, queue.indexOf(over.gid));
        return;
      }
    }
  };

  return (
    <ul
      ref={listRef}
      class="list"
      aria-label="Downloads"
      style={`height: ${downloads.length * rowHeight}px`}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => setDrag(undefined)}
    >
      {indexes.map((i) => {
        const d = downloads[i];
        return (
          <DownloadRow
            key={d.gid}
            d={d}
            top={i * rowHeight}
            focusable={i === focusIndex}
            dragOffset={drag?.gid === d.gid ? drag.dy : undefined}
            handlers={rowHandlers}
          />
        );
      })}
    </ul>
  );
}
