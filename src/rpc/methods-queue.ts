/** The methods that change the queue, its downloads or the settings. */
import path from 'node:path';
import { checkUrl } from '../core/input-file-values.js';
import type { DownloadOptions } from '../core/options.js';
import type { MethodCall, RpcContext } from './context.js';
import { findDownload, isStopped, resolveGid } from './gid.js';
import { GID, type MethodDef } from './method-def.js';
import { type Aria2Options, readDownloadOptions, readGlobalOptions } from './options.js';
import { stringList } from './params.js';
import { confinePaths } from './paths.js';
import { RpcError } from './rpc-error.js';
import type { MoveHow } from './service.js';

const OPTIONS = { type: 'object' } as const;

/** Read a download option object, confined to the root; a relative `dir` becomes absolute. */
function downloadOptions(input: Aria2Options, context: RpcContext): Partial<DownloadOptions> {
  if (!context.anyDir) confinePaths(input, context.downloadRoot);
  const options = readDownloadOptions(input);
  if (options.dir !== undefined) options.dir = path.resolve(context.downloadRoot, options.dir);
  return options;
}

function pauseOne(force: boolean): MethodDef {
  return {
    params: [GID],
    run: async ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      if (d.state !== 'active' && d.state !== 'waiting') throw new RpcError(`GID#${d.id} cannot be paused now`);
      await context.service.pause(d.id, force);
      return d.id;
    },
  };
}

function removeOne(force: boolean, withOptions: boolean): MethodDef {
  return {
    params: withOptions ? [GID, OPTIONS] : [GID],
    run: async ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      if (isStopped(d)) throw new RpcError(`Active Download not found for GID#${d.id}`);
      const how = (params[1] ?? {}) as Record<string, unknown>;
      const deleteFiles = withOptions && (how.deleteFiles === true || how.deleteFiles === 'true');
      const forced = force || (withOptions && (how.force === true || how.force === 'true'));
      await context.service.remove(d.id, { force: forced, deleteFiles });
      return d.id;
    },
  };
}

/** A method that does `fn` and answers "OK". */
function ok(fn: (call: MethodCall) => unknown): MethodDef['run'] {
  return async (call) => {
    await fn(call);
    return 'OK';
  };
}

const HOWS: readonly MoveHow[] = ['POS_SET', 'POS_CUR', 'POS_END'];

export const QUEUE_METHODS: Record<string, MethodDef> = {
  'aria2.addUri': {
    params: [{ type: 'array', required: true }, OPTIONS, { type: 'integer', min: 0 }],
    run: async ({ params, context }) => {
      const uris = stringList(params, 0);
      if (uris.length === 0) throw new RpcError('No URI to download.');
      for (const uri of uris) {
        try {
          checkUrl(uri);
        } catch (e) {
          throw new RpcError(`Cannot add ${(e as Error).message}`);
        }
      }
      const input = (params[1] ?? {}) as Aria2Options;
      const { pause, gid, ...rest } = input;
      if (gid !== undefined && (typeof gid !== 'string' || !/^[0-9a-f]{16}$/i.test(gid) || /^0+$/.test(gid))) {
        throw new RpcError(`We encountered a problem while processing the option '--gid'. '${String(gid)}' is not a valid GID.`);
      }
      if (typeof gid === 'string' && context.service.get(gid.toLowerCase())) throw new RpcError(`GID ${gid} is not unique.`);
      const options = downloadOptions(rest, context);
      return context.service.add(uris, options, {
        position: params[2] as number | undefined,
        paused: pause === 'true' || pause === true,
        gid: typeof gid === 'string' ? gid.toLowerCase() : undefined,
      });
    },
  },
  'aria2.addTorrent': {
    params: [],
    run: () => {
      throw new RpcError('ferry does not download torrents: give an HTTP, HTTPS, FTP or FTPS URI to aria2.addUri.');
    },
  },
  'aria2.addMetalink': {
    params: [],
    run: () => {
      throw new RpcError('ferry does not read Metalink files: give the mirrors as URIs of one aria2.addUri call.');
    },
  },
  'aria2.pause': pauseOne(false),
  'aria2.forcePause': pauseOne(true),
  'aria2.unpause': {
    params: [GID],
    run: async ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      if (d.state !== 'paused') throw new RpcError(`GID#${d.id} cannot be unpaused now`);
      await context.service.unpause(d.id);
      return d.id;
    },
  },
  'aria2.remove': removeOne(false, false),
  'aria2.forceRemove': removeOne(true, false),
  'ferry.remove': removeOne(false, true),
  'aria2.pauseAll': { params: [], run: ok(({ context }) => context.service.pauseAll(false)) },
  'aria2.forcePauseAll': { params: [], run: ok(({ context }) => context.service.pauseAll(true)) },
  'aria2.unpauseAll': { params: [], run: ok(({ context }) => context.service.unpauseAll()) },
  'aria2.changePosition': {
    params: [GID, { type: 'integer', required: true }, { type: 'string', required: true }],
    run: async ({ params, context }) => {
      const how = params[2] as MoveHow;
      if (!HOWS.includes(how)) throw new RpcError('Illegal argument.');
      const d = findDownload(context.service, params[0] as string);
      if (d.state !== 'waiting' && d.state !== 'paused') throw new RpcError(`GID#${d.id} not found in the waiting queue.`);
      return context.service.move(d.id, params[1] as number, how);
    },
  },
  'aria2.changeUri': {
    params: [GID, { type: 'integer', required: true }, { type: 'array', required: true }, { type: 'array', required: true }, { type: 'integer', min: 0 }],
    run: ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      if (params[1] !== 1) throw new RpcError('fileIndex is out of range');
      if (isStopped(d)) throw new RpcError(`Cannot change URIs of GID#${d.id}: it is stopped.`);
      const del = stringList(params, 2);
      const add = stringList(params, 3).filter((u) => {
        try {
          return checkUrl(u) === u;
        } catch {
          return false;
        }
      });
      return context.service.changeUri(d.id, del, add, params[4] as number | undefined);
    },
  },
  'aria2.changeOption': {
    params: [GID, { type: 'object', required: true }],
    run: async ({ params, context }) => {
      const d = findDownload(context.service, params[0] as string);
      if (isStopped(d)) throw new RpcError(`Cannot change option for GID#${d.id}`);
      await context.service.changeOptions(d.id, downloadOptions(params[1] as Aria2Options, context));
      return 'OK';
    },
  },
  'aria2.changeGlobalOption': {
    params: [{ type: 'object', required: true }],
    run: async ({ params, context }) => {
      const input = params[0] as Aria2Options;
      if (!context.anyDir) confinePaths(input, context.downloadRoot);
      const options = readGlobalOptions(input);
      if (options.dir !== undefined) options.dir = path.resolve(context.downloadRoot, options.dir);
      if (options.saveSession !== undefined) options.saveSession = path.resolve(context.downloadRoot, options.saveSession);
      await context.service.changeGlobalOptions(options);
      return 'OK';
    },
  },
  'aria2.purgeDownloadResult': { params: [], run: ok(({ context }) => context.service.purge()) },
  'aria2.removeDownloadResult': {
    params: [GID],
    run: async ({ params, context }) => {
      const gid = resolveGid(context.service, params[0] as string);
      if (!(await context.service.removeResult(gid))) throw new RpcError(`Could not remove download result of GID#${gid}`);
      return 'OK';
    },
  },
  'aria2.saveSession': {
    params: [],
    run: async ({ context }) => {
      if (context.service.globalOptions().saveSession === undefined) throw new RpcError('Filename is not given.');
      await context.service.saveSession();
      return 'OK';
    },
  },
  'aria2.shutdown': { params: [], run: ok(({ context, after }) => after(() => context.service.shutdown(false))) },
  'aria2.forceShutdown': { params: [], run: ok(({ context, after }) => after(() => context.service.shutdown(true))) },
};
