/**
 * The one method table: name -> parameter schema + handler. aria2's methods keep aria2's names
 * and order; ferry's own live under `ferry.`.
 */
import type { MethodDef } from './method-def.js';
import { INFO_METHODS } from './methods-info.js';
import { QUEUE_METHODS } from './methods-queue.js';

/** aria2's notifications, then ferry's (WebSocket only). */
export const NOTIFICATIONS: readonly string[] = [
  'aria2.onDownloadStart',
  'aria2.onDownloadPause',
  'aria2.onDownloadStop',
  'aria2.onDownloadComplete',
  'aria2.onDownloadError',
  'ferry.onDownloadAdded',
  'ferry.onDownloadRemoved',
  'ferry.onProgress',
];

const SYSTEM: Record<string, MethodDef> = {
  // Answered by handle.ts, which alone may recurse into the table; listed here for its schema.
  'system.multicall': { params: [{ type: 'array', required: true }], public: true, run: () => undefined },
  'system.listMethods': { params: [], public: true, run: () => Object.keys(METHODS) },
  'system.listNotifications': { params: [], public: true, run: () => [...NOTIFICATIONS] },
};

/** Every method ferry answers. */
export const METHODS: Readonly<Record<string, MethodDef>> = Object.freeze({ ...QUEUE_METHODS, ...INFO_METHODS, ...SYSTEM });

/** The method called `name`, if any (own keys only: `__proto__` or `toString` are not methods). */
export function findMethod(name: unknown): MethodDef | undefined {
  return typeof name === 'string' && Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
}
