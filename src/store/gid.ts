import { randomBytes } from 'node:crypto';

const GID = /^[0-9a-f]{16}$/;
const ZERO = '0000000000000000';

/** True for a well-formed gid: 16 lowercase hex digits, not all zero (aria2's rule). */
export function isGid(text: string): boolean {
  return GID.test(text) && text !== ZERO;
}

/** A fresh random gid (64 random bits, never zero). */
export function newGid(): string {
  for (;;) {
    const gid = randomBytes(8).toString('hex');
    if (gid !== ZERO) return gid;
  }
}
