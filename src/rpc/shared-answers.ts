/**
 * Identical read-only calls share one answer for a short while. Front ends poll the same
 * questions (`tellActive`, `tellWaiting(0, 1000)`, `getGlobalStat`) many times a second each;
 * building and encoding a 1,000-download answer for every one of them costs more than the one
 * thread a daemon has (measured in docs/benchmarks.md). A shared answer is built and encoded once,
 * and each response splices its own id around the encoded text.
 *
 * Invariant: an answer is at most `ttlMs` old, and any call that may change state (every method
 * that is not a read) or any queue event clears every shared answer, so a client always sees the
 * effect of its own action in its next read.
 */

/**
 * A result already encoded as JSON; `toJSON` keeps any plain JSON.stringify of it correct. Its
 * value is parsed from the text when first asked for (only a multicall or a batch asks), unless
 * given.
 */
export class EncodedResult {
  private utf8?: Buffer;
  private parsed?: { value: unknown };
  constructor(
    readonly json: string,
    value?: unknown,
  ) {
    if (value !== undefined) this.parsed = { value };
  }
  /** The result as a value. */
  get value(): unknown {
    this.parsed ??= { value: JSON.parse(this.json) };
    return this.parsed.value;
  }
  /** The JSON as UTF-8 bytes, made once and written by every response that shares it. */
  get bytes(): Buffer {
    this.utf8 ??= Buffer.from(this.json, 'utf8');
    return this.utf8;
  }
  toJSON(): unknown {
    return this.value;
  }
}

/** The methods whose answers depend only on their params and the daemon's state. */
const READS: ReadonlySet<string> = new Set([
  'aria2.tellActive',
  'aria2.tellWaiting',
  'aria2.tellStopped',
  'aria2.tellStatus',
  'aria2.getGlobalStat',
  'aria2.getUris',
  'aria2.getFiles',
  'aria2.getServers',
  'ferry.getSegments',
]);

/** Methods that read nothing of the queue and change nothing. */
const NEUTRAL: ReadonlySet<string> = new Set([
  'system.listMethods',
  'system.listNotifications',
  'system.multicall',
  'aria2.getVersion',
  'aria2.getSessionInfo',
]);

export class SharedAnswers {
  private readonly answers = new Map<string, { at: number; result: EncodedResult }>();

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly ttlMs = 100,
  ) {}

  /** True for a method whose answers may be shared. */
  static isRead(method: string): boolean {
    return READS.has(method);
  }

  /** True for a method that may change what a read answers (so shared answers are dropped). */
  static mayChange(method: string): boolean {
    return !READS.has(method) && !NEUTRAL.has(method);
  }

  /** The shared answer to `method(params)`, building and encoding it when there is none fresh. */
  async answer(method: string, params: readonly unknown[], build: () => Promise<unknown> | unknown): Promise<EncodedResult> {
    const key = `${method}\u0000${JSON.stringify(params)}`;
    const t = this.now();
    const hit = this.answers.get(key);
    if (hit && t - hit.at <= this.ttlMs) return hit.result;
    const value = await build();
    const result = value instanceof EncodedResult ? value : new EncodedResult(JSON.stringify(value), value);
    if (this.answers.size > 256) this.answers.clear();
    this.answers.set(key, { at: t, result });
    return result;
  }

  /** Forget every shared answer (the state changed). */
  clear(): void {
    this.answers.clear();
  }
}

/** One response as JSON text: a shared answer is spliced in, not encoded again. */
export function encodeResponse(r: object): string {
  const { id, result } = r as { id?: unknown; result?: unknown };
  if (result instanceof EncodedResult && id !== undefined) return `{"id":${JSON.stringify(id)},"jsonrpc":"2.0","result":${result.json}}`;
  return JSON.stringify(r);
}

/** A response or a batch of them as JSON text. */
export function encodeBody(body: object | object[]): string {
  return Array.isArray(body) ? `[${body.map(encodeResponse).join(',')}]` : encodeResponse(body);
}

/**
 * A single response as UTF-8 bytes, in parts to be written one after the other: a shared answer
 * is written from its one buffer (no copy of it in the JavaScript heap per response); anything
 * else is one buffer. A batch is encoded as text.
 */
export function encodeBodyParts(body: object | object[]): Buffer[] {
  if (!Array.isArray(body)) {
    const { id, result } = body as { id?: unknown; result?: unknown };
    if (result instanceof EncodedResult && id !== undefined) {
      return [Buffer.from(`{"id":${JSON.stringify(id)},"jsonrpc":"2.0","result":`), result.bytes, Buffer.from('}')];
    }
  }
  return [Buffer.from(encodeBody(body), 'utf8')];
}
