/** The sources of a download's alternates (mirrors): made once per run, closed with the run. */
import type { Source } from '../core/types.js';

/** A cache of one source per URL; `closeAll` closes and forgets them (errors ignored). */
export class MirrorSources {
  private readonly sources = new Map<string, Source>();
  /** True once an alternate passed its check and joined the transfer. */
  used = false;

  /** `create` makes the source of a URL (called once per URL until closeAll). */
  constructor(private readonly create: (url: string) => Source) {}

  /** The source of `url`, made on first use. */
  get(url: string): Source {
    let s = this.sources.get(url);
    if (!s) {
      s = this.create(url);
      this.sources.set(url, s);
    }
    return s;
  }

  /** Close every source made so far. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sources.values()].map((s) => s.close().catch(() => undefined)));
    this.sources.clear();
  }
}
