/**
 * Identifiers of downloads within one process and in `--json` events: 16 hex digits from V8's
 * generator (seeded by the operating system). They name things and are never secrets, so making
 * one does not load `node:crypto` (see lazy-builtins.ts); secrets (the RPC session, Digest
 * cnonces, the daemon's gids) still come from `crypto.randomBytes`.
 */
export function randomId(): string {
  const word = (): string =>
    Math.floor(Math.random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return word() + word();
}
