/**
 * `--help`, the three completion scripts and the man page come from one option table: every flag
 * the parser accepts appears in each of them, and each of them names only flags the parser accepts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCompletion } from '../../src/cli/completion.js';
import { renderHelp } from '../../src/cli/help.js';
import { main } from '../../src/cli/main.js';
import { renderMan } from '../../src/cli/man.js';
import { COMPLETION_SHELLS, OPTION_NAMES, parseArgs } from '../../src/core/cli-args.js';
import { recordingIO } from '../helpers/recording-io.js';

const HELP_TEXT = renderHelp();

const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();
const ACCEPTED = sorted(OPTION_NAMES);
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Flags named anywhere in a text: `-x` or `--long-name` after a space, a comma, a bracket or a quote. */
const flagsIn = (text: string): string[] => [...text.matchAll(/(?<=^|[\s,([|'"])(--?[A-Za-z][\w-]*)/gm)].map((m) => m[1]);

describe('one option table for help, completion and the man page', () => {
  it('every flag named in --help is accepted by the parser, and every accepted flag is in --help', () => {
    // The commands section names the client commands' own flags (ferry ls --all, ...).
    const named = sorted(flagsIn(HELP_TEXT.slice(0, HELP_TEXT.indexOf('\nCommands ('))));
    expect(named).toEqual(ACCEPTED);
  });

  it('bash: the word list offers exactly the accepted flags; every value-taking flag has a case', () => {
    const script = renderCompletion('bash');
    const words = /compgen -W '([^']*)' -- "\$cur"\)\)\n {2}elif/.exec(script)?.[1].split(' ') ?? [];
    expect(sorted(words)).toEqual(ACCEPTED);
    const cased = script
      .split('\n')
      .filter((l) => /^ {4}-[^ ]*\) /.test(l))
      .flatMap((l) => l.trim().split(')')[0].split('|'));
    expect(sorted(cased)).toEqual(sorted(ACCEPTED.filter((n) => needsValue(n))));
    execFileSync('bash', ['-n'], { input: script });
  });

  it('bash: the loaded script completes flags, the shells after --completion, directories after -d, files after -i', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'ferry-compl-'));
    try {
      await mkdir(path.join(tmp, 'sub-dir'));
      await writeFile(path.join(tmp, 'sub-file'), '');
      const complete = (...words: string[]): string[] => {
        const script = `${renderCompletion('bash')}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _ferry; printf '%s\\n' "\${COMPREPLY[@]}"`;
        return execFileSync('bash', ['-c', script], { cwd: tmp, encoding: 'utf8' })
          .split('\n')
          .filter((l) => l !== '');
      };
      expect(complete('ferry', '--spl')).toEqual(['--split']);
      expect(complete('ferry', '-T')).toEqual(['-T']);
      expect(complete('ferry', '--completion', '')).toEqual(['bash', 'zsh', 'fish']);
      expect(complete('ferry', '-d', 'sub')).toEqual(['sub-dir']);
      expect(complete('ferry', '-i', 'sub').sort()).toEqual(['sub-dir', 'sub-file']);
      expect(complete('ferry', '-n', '')).toEqual([]);
      expect(complete('ferry', 'he')).toEqual(['help']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('zsh: one _arguments spec per accepted flag, and no other', () => {
    const script = renderCompletion('zsh');
    const specs = [...script.matchAll(/^ {4}'(--?[\w-]+)[[+=]/gm)].map((m) => m[1]);
    expect(specs.length).toBe(ACCEPTED.length);
    expect(sorted(specs)).toEqual(ACCEPTED);
    expect(script.startsWith('#compdef ferry\n')).toBe(true);
  });

  it('fish: the -s and -l of its complete lines are exactly the accepted flags', () => {
    const script = renderCompletion('fish');
    const names = [...script.matchAll(/ -([sl]) ([\w-]+)/g)].map((m) => (m[1] === 's' ? `-${m[2]}` : `--${m[2]}`));
    expect(sorted(names)).toEqual(ACCEPTED);
    for (const line of script.split('\n').filter((l) => l.startsWith('complete '))) expect(line).toMatch(/ -d '(?:[^'\\]|\\.)*'$/);
  });

  it('the man page names exactly the accepted flags, in roff with escaped hyphens', () => {
    const page = renderMan(VERSION);
    expect(page.startsWith(`.TH FERRY 1 "" "ferry ${VERSION.replace(/-/g, '\\-')}"`)).toBe(true);
    const tags = [...page.matchAll(/\\fB(\\-(?:\\-)?[A-Za-z][\w\\-]*)\\fR/g)].map((m) => m[1].replace(/\\-/g, '-'));
    expect(sorted(tags)).toEqual(ACCEPTED);
    // An unescaped hyphen in roff can be rendered as a dash, breaking copy-paste of a flag.
    for (const line of page.split('\n').filter((l) => !l.startsWith('.'))) expect(line).not.toMatch(/(^|[^\\])-/);
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'EXAMPLES']) expect(page).toContain(`.SH ${section}\n`);
  });

  it('the built man page (dist/ferry.1, which package.json installs) is the one rendered from the table', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { man?: string };
    expect(pkg.man).toBe('./dist/ferry.1');
    const built = new URL('../../dist/ferry.1', import.meta.url);
    expect(existsSync(built), 'run npm run build first').toBe(true);
    expect(readFileSync(built, 'utf8')).toBe(renderMan(VERSION));
  });
});

/** Whether the parser wants a value after `name`. */
function needsValue(name: string): boolean {
  try {
    parseArgs([name]);
    return false;
  } catch (e) {
    return /needs a value/.test((e as Error).message);
  }
}

describe('ferry help, --help and --completion through main()', () => {
  it('`ferry help` prints exactly what --help prints, exit 0', async () => {
    const a = recordingIO();
    const b = recordingIO();
    expect(await main(['help'], a.io)).toBe(0);
    expect(await main(['--help'], b.io)).toBe(0);
    expect(a.out()).toBe(HELP_TEXT);
    expect(b.out()).toBe(HELP_TEXT);
    expect(a.err() + b.err()).toBe('');
  });

  it.each(COMPLETION_SHELLS)('--completion %s prints the script on stdout, exit 0', async (shell) => {
    const r = recordingIO();
    expect(await main(['--completion', shell], r.io)).toBe(0);
    expect(r.out()).toBe(renderCompletion(shell));
    expect(r.err()).toBe('');
  });

  it('--completion with an unknown shell: one line, exit 2, nothing on stdout', async () => {
    const r = recordingIO();
    expect(await main(['--completion', 'tcsh'], r.io)).toBe(2);
    expect(r.err()).toBe("ferry: --completion needs bash, zsh or fish, got 'tcsh'\n");
    expect(r.out()).toBe('');
  });
});
