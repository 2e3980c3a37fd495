/** The read-only methods: status lists, files, servers, options, stats, version. */
import { findDownload, isStopped, pageRange } from './gid.js';
import { GID, KEYS, type MethodDef } from './method-def.js';
import { writeDownloadOptions, writeGlobalOptions } from './options.js';
import { keyList } from './params.js';
import { RpcError } from './rpc-error.js';
import type { RpcDownload } from './service.js';
import { toAria2Files, toAria2Status } from './status.js';

/** What ferry can do, in aria2's feature names (no BitTorrent, no Metalink). */
export const ENABLED_FEATURES = ['HTTPS', 'Message Digest'];

function paged(list: (offset: number, num: number) => RpcDownload[], size: number, offset: number, num: number): RpcDownload[] {
  const { start, count, reverse } = pageRange(offset, num, size);
  if (count === 0) return [];
  const items = list(start, count);
  return reverse ? items.reverse() : items;
}

const PAGE = [{ type: 'integer', required: true }, { type: 'integer', required: true, min: 0 }, KEYS] as const;

export const INFO_METHODS: Record<string, MethodDef> = {
  'aria2.tellStatus': {
    params: [GID, KEYS],
    run: ({ params, context }) => toAria2Status(findDownload(context.service, params[0] as string), keyList(params, 1)),
  },
  'aria2.getUris': {
    params: [GID],
    run: ({ params, context }) => toAria2Files(findDownload(context.service, params[0] as string))[0].uris,
  },
  'aria2.getFiles': {
    params: [GID],
    run: ({ params, context }) => toAria2Files(findDownload(context.service, params[0] as string)),
  },
  'aria2.getServers': {
    params: [GID],
    run: ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      if (d.state !== 'active') throw new RpcError(`No active download for GID#${d.id}`);
      const uri = d.urls[0] ?? d.url;
      return [{ index: '1', servers: [{ uri, currentUri: uri, downloadSpeed: String(Math.round(d.speed)) }] }];
    },
  },
  'aria2.getPeers': {
    params: [GID],
    run: ({ params, context }) => {
      findDownload(context.service, params[0] as string);
      return [];
    },
  },
  'aria2.tellActive': {
    params: [KEYS],
    run: ({ params, context }) => context.statuses.encode('active', context.service.active(), keyList(params, 0)),
  },
  'aria2.tellWaiting': {
    params: PAGE,
    run: ({ params, context }) => {
      const s = context.service;
      const size = s.stat().numWaiting;
      return context.statuses.encode(
        'waiting',
        paged((o, n) => s.waiting(o, n), size, params[0] as number, params[1] as number),
        keyList(params, 2),
      );
    },
  },
  'aria2.tellStopped': {
    params: PAGE,
    run: ({ params, context }) => {
      const s = context.service;
      const size = s.stat().numStopped;
      return context.statuses.encode(
        'stopped',
        paged((o, n) => s.stopped(o, n), size, params[0] as number, params[1] as number),
        keyList(params, 2),
      );
    },
  },
  'aria2.getOption': {
    params: [GID],
    run: ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      return { ...writeDownloadOptions(d.options), dir: d.dir };
    },
  },
  'aria2.getGlobalOption': {
    params: [],
    run: ({ context }) => writeGlobalOptions(context.service.globalOptions()),
  },
  'aria2.getGlobalStat': {
    params: [],
    run: ({ context }) => {
      const s = context.service.stat();
      return {
        downloadSpeed: String(Math.round(s.downloadSpeed)),
        uploadSpeed: '0',
        numActive: String(s.numActive),
        numWaiting: String(s.numWaiting),
        numStopped: String(s.numStopped),
        numStoppedTotal: String(s.numStoppedTotal),
      };
    },
  },
  'aria2.getVersion': {
    params: [],
    run: ({ context }) => ({ version: context.version, enabledFeatures: [...ENABLED_FEATURES] }),
  },
  'aria2.getSessionInfo': {
    params: [],
    run: ({ context }) => ({ sessionId: context.sessionId }),
  },
  'ferry.getSegments': {
    params: [GID],
    run: async ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      const views = await context.service.segments(d.id);
      if (isStopped(d) || views === undefined) throw new RpcError(`No active download for GID#${d.id}`);
      return views.map((v) => ({
        id: String(v.id),
        state: v.state,
        start: String(v.start),
        end: String(v.end),
        received: String(v.received),
        downloadSpeed: String(Math.round(v.speed)),
      }));
    },
  },
};
