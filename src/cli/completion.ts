/**
 * `ferry --completion bash|zsh|fish`: a completion script rendered from the option table of
 * args.ts, so that every flag the parser accepts is offered and nothing else. Pure text, no I/O.
 * Values named FILE complete as files, DIR as directories, and `choices` as those words.
 */
import { type CompletionShell, OPTIONS, type OptionSpec } from '../core/cli-args.js';

type ValueKind = 'none' | 'file' | 'dir' | 'choices' | 'other';

function valueKind(o: OptionSpec): ValueKind {
  if (o.value === undefined) return 'none';
  if (o.choices !== undefined) return 'choices';
  if (o.value === 'FILE') return 'file';
  if (o.value === 'DIR') return 'dir';
  return 'other';
}

/** The first line of an option's help, for the shells that show descriptions. */
const summary = (o: OptionSpec): string => o.help.split('\n').join(' ');

/** A word in single quotes for a POSIX shell or fish. */
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const fishQuote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function bash(): string {
  const names = OPTIONS.flatMap((o) => o.names);
  const byKind = (kind: ValueKind): string =>
    OPTIONS.filter((o) => valueKind(o) === kind)
      .flatMap((o) => o.names)
      .join('|');
  const choices = OPTIONS.filter((o) => valueKind(o) === 'choices').map(
    (o) => `    ${o.names.join('|')}) COMPREPLY=($(compgen -W ${quote((o.choices ?? []).join(' '))} -- "$cur")); return ;;`,
  );
  return [
    '# bash completion for ferry; load with: source <(ferry --completion bash)',
    '_ferry() {',
    '  local cur prev',
    `  cur="\${COMP_WORDS[COMP_CWORD]}"`,
    `  prev="\${COMP_WORDS[COMP_CWORD-1]}"`,
    '  case "$prev" in',
    `    ${byKind('file')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`,
    `    ${byKind('dir')}) COMPREPLY=($(compgen -d -- "$cur")); return ;;`,
    ...choices,
    `    ${byKind('other')}) COMPREPLY=(); return ;;`,
    '  esac',
    '  if [[ "$cur" == -* ]]; then',
    `    COMPREPLY=($(compgen -W ${quote(names.join(' '))} -- "$cur"))`,
    '  elif [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=($(compgen -W 'help' -- "$cur"))`,
    '  fi',
    '}',
    'complete -o default -F _ferry ferry',
    '',
  ].join('\n');
}

/** Text inside an `_arguments` description: brackets and colons escaped. */
const zshDescription = (s: string): string => s.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1');

function zsh(): string {
  const action = (o: OptionSpec): string => {
    const kind = valueKind(o);
    const value = zshDescription(o.value ?? '');
    if (kind === 'file') return `:${value}:_files`;
    if (kind === 'dir') return `:${value}:_files -/`;
    if (kind === 'choices') return `:${value}:(${(o.choices ?? []).join(' ')})`;
    return kind === 'none' ? '' : `:${value}: `;
  };
  const specs = OPTIONS.flatMap((o) =>
    o.names.map((n) => {
      const joined = o.value === undefined ? '' : n.startsWith('--') ? '=' : '+';
      return `    ${quote(`${n}${joined}[${zshDescription(summary(o))}]${action(o)}`)} \\`;
    }),
  );
  return [
    '#compdef ferry',
    '# zsh completion for ferry; load with: source <(ferry --completion zsh), or save as _ferry in $fpath',
    '_ferry() {',
    '  _arguments -s -S \\',
    ...specs,
    "    '1::command:(help)' \\",
    "    '*:URL:_urls'",
    '}',
    'if [ "$funcstack[1]" = "_ferry" ]; then _ferry "$@"; else compdef _ferry ferry; fi',
    '',
  ].join('\n');
}

function fish(): string {
  const lines = OPTIONS.map((o) => {
    const parts = ['complete -c ferry'];
    for (const n of o.names) parts.push(n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`);
    const kind = valueKind(o);
    if (kind === 'file') parts.push('-r -F');
    else if (kind === 'dir') parts.push("-x -a '(__fish_complete_directories)'");
    else if (kind === 'choices') parts.push(`-x -a ${fishQuote((o.choices ?? []).join(' '))}`);
    else if (kind === 'other') parts.push('-x');
    parts.push(`-d ${fishQuote(summary(o))}`);
    return parts.join(' ');
  });
  return [
    '# fish completion for ferry; load with: ferry --completion fish | source',
    ...lines,
    "complete -c ferry -n '__fish_use_subcommand' -a help -d 'show the help'",
    '',
  ].join('\n');
}

/** The completion script for `shell`; ends with a newline. */
export function renderCompletion(shell: CompletionShell): string {
  return shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : fish();
}
