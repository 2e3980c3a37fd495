/**
 * ferry's extensions to aria2's JSON-RPC, in one place. The page uses each one only when
 * `system.listMethods` / `system.listNotifications` list it, and falls back to plain aria2 otherwise.
 */

/** `ferry.remove(gid, {deleteFiles})` -> gid: cancel, and delete the partial or finished files too. */
export const FERRY_REMOVE = 'ferry.remove';
/** `ferry.getSegments(gid)` -> `[{id, state, start, end, received, speed}]`, one per connection. */
export const FERRY_GET_SEGMENTS = 'ferry.getSegments';
/** Notification `[{downloads: [{gid, completedLength, totalLength, downloadSpeed, connections}]}]`, throttled. */
export const FERRY_ON_PROGRESS = 'ferry.onProgress';
/** Notification `[{gid}]`: a download was added (by anyone). */
export const FERRY_ON_ADDED = 'ferry.onDownloadAdded';
/** Notification `[{gid}]`: a download left the list (removed or its result purged). */
export const FERRY_ON_REMOVED = 'ferry.onDownloadRemoved';

/** aria2's own notifications: each means "this gid changed state; ask tellStatus". */
export const ARIA2_NOTIFICATIONS: readonly string[] = [
  'aria2.onDownloadStart',
  'aria2.onDownloadPause',
  'aria2.onDownloadStop',
  'aria2.onDownloadComplete',
  'aria2.onDownloadError',
  'aria2.onBtDownloadComplete',
];

/** What the daemon offers beyond aria2, from its method and notification lists. */
export interface Features {
  remove: boolean;
  segments: boolean;
  progress: boolean;
  addedRemoved: boolean;
}

/** The features listed by `system.listMethods` and `system.listNotifications` (either may be missing). */
export function detectFeatures(methods: readonly string[], notifications: readonly string[]): Features {
  return {
    remove: methods.includes(FERRY_REMOVE),
    segments: methods.includes(FERRY_GET_SEGMENTS),
    // A daemon that lists methods but not notifications may still send them: accept either list.
    progress: notifications.includes(FERRY_ON_PROGRESS) || methods.includes(FERRY_ON_PROGRESS),
    addedRemoved: notifications.includes(FERRY_ON_ADDED) || methods.includes(FERRY_ON_ADDED),
  };
}

/** No extensions: plain aria2. */
export const NO_FEATURES: Features = { remove: false, segments: false, progress: false, addedRemoved: false };
