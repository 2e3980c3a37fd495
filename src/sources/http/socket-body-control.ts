/**
 * The back-pressure of one HTTP response body on its connection's socket: a consumer that is
 * behind pauses the socket (and its read timeout: a consumer that is behind is not a stalled
 * server), catching up resumes both, and abandoning the body closes the connection. Requests
 * count only while the body is the connection's current one.
 */
import type net from 'node:net';
import type { BodyControl } from '../stream/response-body.js';

/** What the control needs of its connection. */
export interface BodySocket {
  /** The connection's socket (undefined while a tunnel is still being dialled). */
  socket(): net.Socket | undefined;
  /** Whether the body is still the connection's current, unfinished one. */
  current(): boolean;
  /** The read timeout to restore on resume. */
  timeoutMs: number;
  /** Close the connection (the body is abandoned). */
  close(): void;
}

export function socketBodyControl(s: BodySocket): BodyControl {
  return {
    pause: () => {
      if (!s.current()) return;
      s.socket()?.pause();
      s.socket()?.setTimeout(0);
    },
    resume: () => {
      if (!s.current()) return;
      s.socket()?.setTimeout(s.timeoutMs);
      s.socket()?.resume();
    },
    abandon: () => {
      if (s.current()) s.close();
    },
  };
}
