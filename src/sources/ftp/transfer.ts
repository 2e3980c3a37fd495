import { abortedError, FerryError } from '../../core/errors.js';
import type { FtpReply } from '../../core/ftp-reply.js';
import type { ByteStream } from '../../core/types.js';
import type { FtpControl } from './control.js';
import type { DataReader } from './data.js';
import { replyError, replyText } from './errors.js';

/** One running RETR: its data connection and the control connection it belongs to. */
export interface TransferParams {
  where: string;
  reader: DataReader;
  control: FtpControl;
  /** Exactly this many bytes are yielded (end - start); undefined = to the end of the file. */
  expected?: number;
  /** The final reply when the server already sent it in place of a preliminary 150. */
  finalReply?: FtpReply;
  /** Bound on waiting for the transfer's final reply after closing the data connection (ms). */
  settleMs: number;
  /** Called exactly once; `clean` = the control connection is in sync and may be reused. */
  release(clean: boolean): void;
  /** Told of a final reply awaited after the stream ended: `release` follows when `done` settles. */
  onSettling?(done: Promise<void>): void;
}

/**
 * A ByteStream over a RETR. It yields exactly `expected` bytes (never one past the end), then
 * closes the data connection and ends at once; the transfer's final reply (226, or 426/451 for
 * the cut) is awaited in the background (`onSettling`), and the control connection is released
 * once it is in sync. A data connection that ends early is a retryable NETWORK error; reading to
 * the end of the file requires a 226/250 before the stream ends.
 */
export function createTransferStream(p: TransferParams): ByteStream {
  let settled = false;
  let cancelled = false;

  const release = (clean: boolean) => {
    if (settled) return;
    settled = true;
    p.release(clean);
  };

  // Invariant: the final reply is read at most once (one reader of the control connection).
  let final: Promise<FtpReply | undefined> | undefined;
  /** The final reply of the transfer, or undefined if the control connection failed. */
  const finalReply = (timeoutMs?: number): Promise<FtpReply | undefined> =>
    (final ??= p.finalReply ? Promise.resolve(p.finalReply) : p.control.broken ? Promise.resolve(undefined) : p.control.read(timeoutMs).catch(() => undefined));

  /** Close the data connection; release the control connection once the server replied. */
  const settleCut = async (): Promise<void> => {
    p.reader.close();
    const reply = await finalReply(p.settleMs);
    release(reply !== undefined);
  };
  /** `settleCut` without waiting: the stream's consumer goes on while the server answers. */
  const settleLater = (): void => {
    if (settled) return;
    const done = settleCut();
    p.onSettling?.(done);
  };

  async function* iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    let remaining = p.expected ?? Number.POSITIVE_INFINITY;
    let received = 0;
    let finishing = false;
    try {
      // Invariant: received + remaining === expected; nothing beyond `expected` is yielded.
      while (remaining > 0) {
        const chunk = await p.reader.next();
        if (chunk === null) break;
        if (cancelled) throw abortedError('transfer cancelled');
        const piece = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
        remaining -= piece.length;
        received += piece.length;
        if (piece.length > 0) yield piece;
      }
      if (cancelled) throw abortedError('transfer cancelled');
      finishing = true;
      if (remaining === 0) {
        settleLater();
        return;
      }
      // The server closed the data connection: its final reply says whether the file was complete.
      const reply = await finalReply();
      release(reply !== undefined);
      if (p.expected !== undefined) {
        const why = reply === undefined ? '' : ` (${replyText(reply)})`;
        throw new FerryError('NETWORK', `${p.where}: transfer ended early after ${received} of ${p.expected} bytes${why}`, { retryable: true });
      }
      if (reply === undefined) {
        throw new FerryError('NETWORK', `${p.where}: control connection lost at the end of the transfer`, {
          retryable: true,
        });
      }
      if (reply.code !== 226 && reply.code !== 250) throw replyError(p.where, 'RETR', reply);
    } finally {
      if (!finishing) settleLater();
    }
  }

  const generator = iterate();
  return {
    [Symbol.asyncIterator]: () => generator,
    release: (chunk) => p.reader.release(chunk),
    cancel() {
      if (cancelled) return;
      cancelled = true;
      p.reader.fail(abortedError('transfer cancelled'));
      settleLater();
    },
  };
}
