/**
 * The file name suggested by a `Content-Disposition` header (RFC 6266, with RFC 8187 `filename*`).
 * Pure and total: any input, however hostile, yields a string or undefined and never throws.
 * The name is returned as decoded, NOT sanitized (path separators, `..`, control characters are
 * left for the caller's sanitizer to deal with).
 */

/** One `name=value` parameter as it appeared, value already unquoted. */
interface Param {
  name: string;
  value: string;
}

/**
 * Split the header into parameters. Quoted strings may contain `;` and backslash escapes; an
 * unterminated quoted string runs to the end of the input. Segments without `=` (the
 * disposition type, junk) are skipped.
 */
function parseParams(header: string): Param[] {
  const params: Param[] = [];
  let i = 0;
  const n = header.length;
  while (i < n) {
    // Parameter name: up to '=' or ';'.
    let j = i;
    while (j < n && header[j] !== '=' && header[j] !== ';') j++;
    const name = header.slice(i, j).trim().toLowerCase();
    if (j >= n || header[j] === ';') {
      i = j + 1;
      continue;
    }
    j++; // skip '='
    while (j < n && (header[j] === ' ' || header[j] === '\t')) j++;
    let value = '';
    if (header[j] === '"') {
      j++;
      // Whole runs between escapes are sliced, not appended one character at a time.
      let run = j;
      while (j < n && header[j] !== '"') {
        if (header[j] === '\\' && j + 1 < n) {
          value += header.slice(run, j);
          j++;
          run = j;
        }
        j++;
      }
      value += header.slice(run, j);
      j++; // closing quote (or past the end)
      while (j < n && header[j] !== ';') j++; // ignore junk after the quoted string
    } else {
      const start = j;
      while (j < n && header[j] !== ';') j++;
      value = header.slice(start, j).trim();
    }
    if (name !== '') params.push({ name, value });
    i = j + 1;
  }
  return params;
}

const PCT_TRIPLET = /%[0-9a-fA-F]{2}/g;

/** Percent-decode into ISO-8859-1 code points; undefined when a `%` is not followed by two hex digits. */
function decodeLatin1(pct: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(pct)) return undefined;
  return pct.replace(PCT_TRIPLET, (t) => String.fromCharCode(parseInt(t.slice(1), 16)));
}

/** Percent-decode as UTF-8; undefined for bad escapes or invalid UTF-8 sequences. */
function decodeUtf8(pct: string): string | undefined {
  try {
    return decodeURIComponent(pct);
  } catch {
    return undefined;
  }
}

/**
 * Decode an RFC 8187 ext-value `charset'language'pct-encoded`. Only UTF-8 and ISO-8859-1 are
 * accepted (the two RFC 8187 requires); anything else or a decoding error gives undefined.
 */
function decodeExtValue(ext: string): string | undefined {
  const first = ext.indexOf("'");
  const second = first < 0 ? -1 : ext.indexOf("'", first + 1);
  if (second < 0) return undefined;
  const charset = ext.slice(0, first).trim().toLowerCase();
  const encoded = ext.slice(second + 1);
  if (charset === 'utf-8') return decodeUtf8(encoded);
  if (charset === 'iso-8859-1' || charset === 'latin1') return decodeLatin1(encoded);
  return undefined;
}

/**
 * HTTP header values reach JavaScript as ISO-8859-1 strings (one char per byte). Many servers put
 * raw UTF-8 bytes in `filename="..."`; like browsers, reinterpret the bytes as UTF-8 when they
 * form valid UTF-8, and keep the Latin-1 reading otherwise.
 */
function latin1BytesAsUtf8(value: string): string {
  let high = false;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c > 0xff) return value;
    if (c >= 0x80) high = true;
  }
  if (!high) return value;
  const bytes = Uint8Array.from(value, (ch) => ch.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return value;
  }
}

/**
 * The suggested file name from a `Content-Disposition` value, or undefined when there is none.
 * `filename*` (RFC 8187, UTF-8 or ISO-8859-1) wins; when absent or undecodable, `filename`
 * (quoted-string with backslash escapes, or a bare token) is used. An empty name counts as none.
 */
export function parseContentDisposition(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const params = parseParams(value);
  const ext = params.find((p) => p.name === 'filename*');
  if (ext !== undefined) {
    // Some servers quote the ext-value although the grammar forbids it: accept both forms.
    const decoded = decodeExtValue(ext.value);
    if (decoded !== undefined && decoded !== '') return decoded;
  }
  const plain = params.find((p) => p.name === 'filename');
  if (plain === undefined || plain.value === '') return undefined;
  return latin1BytesAsUtf8(plain.value);
}
