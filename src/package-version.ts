import { readFileSync } from 'node:fs';

/**
 * ferry's version from its package.json, or `unknown`. The caller passes the URL because where the
 * file is depends on where the calling code runs from (a module under dist/ or the bundle).
 */
export function readPackageVersion(packageJson: URL): string {
  try {
    const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
