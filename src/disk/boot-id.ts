/** The kernel's boot id: a random value that changes on every boot of the machine. */
import { readFileSync } from 'node:fs';

/** Where Linux publishes the boot id. */
export const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';

/**
 * The boot id read from `file` (trimmed), or undefined when there is none (not Linux, no /proc,
 * an empty or unreadable file). Without a boot id, bytes written but not synced by an earlier run
 * are never trusted. Read on the calling thread: a file of /proc answers at once, and a download
 * asks for it before its first request.
 */
export async function readBootId(file: string = BOOT_ID_FILE): Promise<string | undefined> {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.length > 0 && text.length <= 256 && !/[\s"\\]/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
