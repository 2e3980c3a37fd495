/**
 * The daemon's global settings at start: the configuration (command line, environment, config
 * file), with the settings stored by `changeGlobalOption` over it (they survive restarts).
 */

import type { DaemonConfig } from '../core/daemon-config.js';
import { isFerryError } from '../core/errors.js';
import { readGlobalOptions } from '../rpc/options.js';
import type { RpcGlobalOptions } from '../rpc/service.js';

/**
 * The settings in force, and a line for each stored setting that no longer reads (it is ignored).
 * `downloadRoot` is the default directory when neither the config nor a stored setting names one.
 */
export function globalSettings(
  config: DaemonConfig,
  downloadRoot: string,
  stored: Readonly<Record<string, string>>,
): { global: RpcGlobalOptions; ignored: string[] } {
  const { limitRate, ...defaults } = config.defaults;
  const global: RpcGlobalOptions = { ...defaults, dir: downloadRoot, maxActive: config.maxActive };
  if (config.overallLimit !== undefined) global.limitRate = config.overallLimit;
  if (limitRate !== undefined) global.downloadLimitRate = limitRate;
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(stored)) {
    try {
      Object.assign(global, readGlobalOptions({ [key]: value }));
    } catch (e) {
      ignored.push(`${key}=${JSON.stringify(value)}: ${isFerryError(e) || e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { global, ignored };
}
