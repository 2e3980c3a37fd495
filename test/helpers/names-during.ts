import { readdir } from 'node:fs/promises';

/** Every name seen in `dir` while `run` runs (looked at every few milliseconds). */
export async function namesDuring(dir: string, run: () => Promise<void>): Promise<Set<string>> {
  const seen = new Set<string>();
  let going = true;
  const watch = (async () => {
    while (going) {
      for (const n of await readdir(dir).catch(() => [])) seen.add(n);
      await new Promise((r) => setTimeout(r, 3));
    }
  })();
  try {
    await run();
  } finally {
    going = false;
    await watch;
  }
  return seen;
}
