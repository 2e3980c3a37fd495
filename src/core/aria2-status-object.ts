/**
 * One download as aria2's `tellStatus`, `tellActive`, `tellWaiting` and `tellStopped` return it,
 * seen by a client (ferry's RPC client commands, the web page): every number is a string, and
 * every key but `gid` may be missing, because a request's `keys` filter them.
 */
export interface Aria2StatusObject {
  gid: string;
  status?: string;
  totalLength?: string;
  completedLength?: string;
  downloadSpeed?: string;
  connections?: string;
  dir?: string;
  files?: { index?: string; path?: string; length?: string; uris?: { uri: string; status?: string }[] }[];
  errorCode?: string;
  errorMessage?: string;
  bitfield?: string;
  numPieces?: string;
  pieceLength?: string;
  [key: string]: unknown;
}
