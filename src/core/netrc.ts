/**
 * Pure `.netrc` parsing and lookup (for FTP and HTTP hosts alike), as curl and ftp(1) read it:
 * `machine <host> login <user> password <secret>`, a final `default` entry, `macdef` blocks
 * (skipped up to the next empty line), `#` comments, and double-quoted tokens with `\` escapes.
 */

/** One `machine` (or `default`) entry. */
export interface NetrcEntry {
  /** Host name; undefined for the `default` entry. */
  machine?: string;
  login?: string;
  password?: string;
}

/** Parse the text of a netrc file into entries, in file order. Never throws. */
export function parseNetrc(text: string): NetrcEntry[] {
  const tokens = tokenize(text);
  const entries: NetrcEntry[] = [];
  let current: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'macdef') continue;
    const word = t.value;
    const next = (): string | undefined => {
      const n = tokens[i + 1];
      if (n === undefined || n.kind === 'macdef') return undefined;
      i++;
      return n.value;
    };
    if (!t.quoted && word === 'machine') {
      current = { machine: next() };
      entries.push(current);
    } else if (!t.quoted && word === 'default') {
      current = {};
      entries.push(current);
    } else if (current && !t.quoted && word === 'login') {
      current.login = next();
    } else if (current && !t.quoted && word === 'password') {
      current.password = next();
    } else if (current && !t.quoted && word === 'account') {
      next();
    }
  }
  return entries;
}

/**
 * The entry for `host` (case-insensitive), else the `default` entry. When `login` is given,
 * only entries for that login (or without one) match.
 */
export function findNetrcEntry(entries: NetrcEntry[], host: string, login?: string): NetrcEntry | undefined {
  const fits = (e: NetrcEntry) => login === undefined || e.login === undefined || e.login === login;
  const h = host.toLowerCase();
  return entries.find((e) => e.machine !== undefined && e.machine.toLowerCase() === h && fits(e)) ?? entries.find((e) => e.machine === undefined && fits(e));
}

interface Token {
  kind: 'word' | 'macdef';
  value: string;
  quoted: boolean;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // Invariant: `i` is at a token boundary (whitespace, comment, quote or word start).
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      i++;
      tokens.push({ kind: 'word', value, quoted: true });
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i])) i++;
      const value = text.slice(start, i);
      tokens.push({ kind: 'word', value, quoted: false });
      if (value === 'macdef') {
        // The macro body runs to the first empty line; it holds no credentials.
        const end = text.indexOf('\n\n', i);
        const endCrLf = text.indexOf('\n\r\n', i);
        const stops = [end, endCrLf].filter((x) => x >= 0);
        tokens.push({ kind: 'macdef', value: '', quoted: false });
        i = stops.length === 0 ? text.length : Math.min(...stops) + 1;
      }
    }
  }
  return tokens;
}
