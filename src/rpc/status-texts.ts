/**
 * The status lists (`tellActive`, `tellWaiting`, `tellStopped`) encoded entry by entry, with the
 * text of each download that is not active kept for the next list. A waiting, paused or stopped
 * download changes only when something happens to it, yet front ends ask for all of them several
 * times a second, and every queue event (a start, a completion) makes the next list answer anew:
 * building and encoding 1,000 status objects costs about 10 ms, joining kept texts well under one.
 *
 * Invariant: a kept text is used only for a download whose every field that `toAria2Status` reads
 * is equal to those of the download it was made from (`sameStatusInput`), with the same key list;
 * an active download's text is made afresh every time (its speed and progress move).
 */

import type { RpcDownload } from './service.js';
import { EncodedResult } from './shared-answers.js';
import { type StatusInput, sameStatusInput, statusInput, toAria2Status } from './status.js';

interface Kept {
  /** What the text was made from. */
  input: StatusInput;
  json: string;
  /** The list call that last used it. */
  seen: number;
}

/** Kept texts beyond those a list used are dropped once there are this many more. */
const SLACK = 256;

export class StatusTexts {
  /** Kept texts by list and key list, then by gid. */
  private readonly kept = new Map<string, Map<string, Kept>>();
  private calls = 0;

  /**
   * The JSON array of `toAria2Status(d, keys)` for each of `list`, in order. `kind` names the list
   * (its texts are kept apart from the other lists', so that two lists never evict each other's).
   */
  encode(kind: string, list: readonly RpcDownload[], keys?: readonly string[]): EncodedResult {
    const key = keys === undefined ? kind : `${kind}\u0000${keys.join('\u0000')}`;
    let byGid = this.kept.get(key);
    if (byGid === undefined) {
      byGid = new Map();
      this.kept.set(key, byGid);
    }
    const call = ++this.calls;
    const parts: string[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const d = list[i];
      if (d.state === 'active') {
        parts[i] = JSON.stringify(toAria2Status(d, keys));
        continue;
      }
      let k = byGid.get(d.id);
      if (k === undefined || !sameStatusInput(k.input, d)) {
        k = { input: statusInput(d), json: JSON.stringify(toAria2Status(d, keys)), seen: 0 };
        byGid.set(d.id, k);
      }
      k.seen = call;
      parts[i] = k.json;
    }
    if (byGid.size > list.length + SLACK) {
      for (const [gid, k] of byGid) if (k.seen !== call) byGid.delete(gid);
    }
    return new EncodedResult(`[${parts.join(',')}]`);
  }
}
