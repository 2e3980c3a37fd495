import type net from 'node:net';
import { FerryError } from '../core/errors.js';
import { socketError, timeoutError } from './ftp-errors.js';

/**
 * Pull-based reader over an FTP data connection. The socket only flows while a `next()` waits,
 * so a slow consumer applies back-pressure and the idle timer only runs while data is awaited.
 * Invariant: once `error` is set the socket is destroyed and every `next()` rejects with it.
 */
export class DataReader {
  private chunks: Buffer[] = [];
  private ended = false;
  private error?: FerryError;
  private wake?: () => void;
  private secured: boolean;

  constructor(
    private readonly socket: net.Socket,
    private readonly where: string,
    private readonly timeoutMs: number,
    isTls: boolean,
  ) {
    this.secured = !isTls;
    socket.pause();
    if (isTls) socket.once('secureConnect', () => (this.secured = true));
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      socket.pause();
      this.wake?.();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', (err) => this.fail(socketError(where, 'data connection', err, !this.secured)));
    socket.on('close', () => {
      if (!this.ended) {
        this.fail(new FerryError('NETWORK', `${where}: data connection closed unexpectedly`, { retryable: true }));
      }
    });
  }

  /** Stop with `err` (the first failure wins) and destroy the socket. */
  fail(err: FerryError): void {
    this.error ??= err;
    this.socket.destroy();
    this.wake?.();
  }

  /** Close the data connection without recording a failure (end of a range, cancel). */
  close(): void {
    this.ended = true;
    this.socket.destroy();
    this.wake?.();
  }

  /** The next chunk, or null at the end of the data; TIMEOUT after `timeoutMs` without bytes. */
  next(): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): boolean => {
        const chunk = this.chunks.shift();
        if (chunk === undefined && this.error === undefined && !this.ended) return false;
        clearTimeout(timer);
        this.wake = undefined;
        if (chunk !== undefined) resolve(chunk);
        else if (this.error !== undefined) reject(this.error);
        else resolve(null);
        return true;
      };
      if (check()) return;
      this.wake = check;
      timer = setTimeout(() => this.fail(timeoutError(this.where, 'waiting for data', this.timeoutMs)), this.timeoutMs);
      this.socket.resume();
    });
  }
}
