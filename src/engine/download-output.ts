/**
 * The restore phase of a Download: which output it writes (claimed through claimPaths), the
 * control file found there (a resume candidate), `-c` over a foreign partial file, and the empty
 * control file written before a fresh start.
 */
import { existsSync } from 'node:fs';
import type { DownloadOptions } from '../core/options.js';
import type { ProbeResult } from '../core/types.js';
import { type ControlState, saveControl } from '../disk/control-file.js';
import type { OutputClaims, OutputPaths } from '../disk/output-claims.js';
import { continuePartialFile } from '../disk/output-continue.js';
import { claimPaths, emptyControl } from './download-paths.js';
import type { MadeDirs } from './made-dirs.js';

/** What a DownloadOutput needs of its Download. */
export interface DownloadOutputParams {
  url: string;
  options: DownloadOptions;
  claims: OutputClaims;
  /** Who holds the claim. */
  owner: object;
  /** Every URL of the download (it and its mirrors). */
  mirrors: readonly string[];
  dirs: MadeDirs;
  note: (message: string) => void;
}

/** The output chosen for a paths choice (see DownloadOutput.choose). */
export interface OutputChoice {
  paths: OutputPaths;
  /** The final file is this download, already whole. */
  complete: boolean;
  /** `-c`: the final file is a foreign partial file of this many bytes, to be continued. */
  continueFrom?: number;
}

/**
 * One Download's output across the attempts of its run. Invariant: `found` is the control file
 * on disk at `paths.control` as this run last saw or wrote it (undefined: none of ours was there).
 */
export class DownloadOutput {
  /** Where the download's files are, once chosen (the Download sets it; later attempts keep it). */
  paths?: OutputPaths;
  /** Our control file found at the chosen name (resume candidate), or the one written since. */
  found?: ControlState;
  /** A control file was on disk before this run: crashed saves may have left temp files. */
  inherited = false;
  /** The last choice claimed a name with nothing of ours on disk (no `.part`, no control file). */
  clean = false;

  constructor(private readonly p: DownloadOutputParams) {}

  /** Claim the output (see claimPaths); a later attempt of this run keeps its paths. */
  async choose(probe: ProbeResult): Promise<OutputChoice> {
    const { p } = this;
    const choice = await claimPaths({
      options: p.options,
      claims: p.claims,
      owner: p.owner,
      mirrors: p.mirrors,
      probe,
      current: this.paths,
      dirs: p.dirs,
    });
    this.clean = choice !== undefined && !choice.complete && choice.continueFrom === undefined && choice.control === undefined;
    if (!choice) return { paths: this.paths as OutputPaths, complete: false };
    if (choice.renamed) p.note(choice.renamed);
    this.found = choice.control;
    this.inherited = choice.control !== undefined;
    return choice;
  }

  /**
   * `-c`: take over the final file (its first `localBytes` bytes) as this download's partial file,
   * see continuePartialFile. Resolves true when it is already whole. The probe's body (from byte
   * 0, as no control file was found) is dropped: the transfer asks for what is missing.
   */
  async continueFile(paths: OutputPaths, probe: ProbeResult, localBytes: number): Promise<boolean> {
    const { p } = this;
    const state = await continuePartialFile({ paths, localBytes, remote: probe, source: p.url, durable: p.options.fsync });
    if (state === 'complete') {
      p.note(`${paths.final} already has the server's ${localBytes} bytes (-c): nothing to do`);
      return true;
    }
    p.note(`continuing ${paths.final} after its ${localBytes} bytes (-c)`);
    probe.body?.cancel();
    probe.body = undefined;
    this.found = state;
    this.inherited = true;
    return false;
  }

  /**
   * Rewrite the control file to claim no bytes (for the remote file as it is now), before a fresh
   * partial file replaces the old one: a kill at any moment then never leaves a control file that
   * claims bytes of a file that holds zeros, and the name stays ours for the rerun.
   */
  async claimNothing(paths: OutputPaths, probe: ProbeResult, createdAt: string): Promise<void> {
    // Any control file on disk may claim bytes (a checkpoint of this run writes one): replacing it
    // must be durable, or a power cut could bring its claims back over a fresh `.part`.
    const claimed = (this.found?.done.length ?? 0) > 0 || existsSync(paths.control);
    const state = emptyControl(probe, this.p.url, createdAt);
    await saveControl(paths.control, state, { durable: this.p.options.fsync && claimed });
    this.found = state;
  }
}
