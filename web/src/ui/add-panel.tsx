import { useMemo, useRef, useState } from 'preact/hooks';
import { parseSizeInput } from '../lib/format.js';
import { type PasteProblem, parsePaste } from '../lib/paste-parser.js';
import type { Actions } from '../store/actions.js';

/** Where a problem is: `Line 3` or, for the form, nothing. */
const where = (p: PasteProblem): string => (p.line > 0 ? `Line ${p.line}: ` : '');

/**
 * Paste links (or drop an input file), set the name, folder, connections and limit, add them,
 * optionally paused. The text is parsed as it is typed; every error is listed before anything is added.
 */
export function AddPanel({ actions, inputRef }: { actions: Actions; inputRef: { current: HTMLTextAreaElement | null } }) {
  const [text, setText] = useState('');
  const [out, setOut] = useState('');
  const [dir, setDir] = useState('');
  const [split, setSplit] = useState('');
  const [limit, setLimit] = useState('');
  const [paused, setPaused] = useState(false);
  const [refused, setRefused] = useState<PasteProblem[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const limitBytes = limit.trim() === '' ? undefined : parseSizeInput(limit);
  const parsed = useMemo(
    () => parsePaste(text, { out, dir, split, limit: limitBytes === undefined ? '' : String(limitBytes), paused }),
    [text, out, dir, split, limitBytes, paused],
  );
  const errors: PasteProblem[] = [...parsed.errors];
  if (limit.trim() !== '' && limitBytes === undefined) errors.push({ line: 0, message: `limit "${limit}" is not a size: write e.g. 500K or 2M (0 = none)` });
  const count = errors.length === 0 ? parsed.requests.length : 0;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (count === 0 || busy) return;
    setBusy(true);
    const problems = await actions.add(parsed.requests).catch((err: Error) => [{ line: 0, message: err.message }]);
    setBusy(false);
    setRefused(problems);
    if (problems.length === 0) {
      setNote(`Added ${count} download${count === 1 ? '' : 's'}${paused ? ', paused' : ''}.`);
      setText('');
      setOut('');
    } else setNote('');
  };

  const readFile = async (file: File | undefined): Promise<void> => {
    if (file === undefined) return;
    setText(await file.text());
    setNote(`Read ${file.name}.`);
  };

  return (
    <form class="add" onSubmit={submit} aria-label="Add downloads">
      <label for="add-links">Links, one per line (also input-file lines: aria2’s, or ferry’s -u URL -o NAME -n 4)</label>
      <textarea
        id="add-links"
        ref={inputRef}
        rows={3}
        spellcheck={false}
        value={text}
        placeholder="https://example.com/file.iso"
        aria-describedby="add-problems"
        aria-invalid={errors.length > 0}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setRefused([]);
          setNote('');
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void readFile(e.dataTransfer?.files[0]);
        }}
      />
      <div class="add-fields">
        <label>
          File name
          <input value={out} onInput={(e) => setOut(e.currentTarget.value)} disabled={parsed.requests.length > 1} placeholder="from the server" />
        </label>
        <label>
          Folder
          <input value={dir} onInput={(e) => setDir(e.currentTarget.value)} placeholder="daemon default" />
        </label>
        <label>
          Connections
          <input value={split} onInput={(e) => setSplit(e.currentTarget.value)} inputMode="numeric" placeholder="default" size={6} />
        </label>
        <label>
          Speed limit
          <input value={limit} onInput={(e) => setLimit(e.currentTarget.value)} placeholder="none, e.g. 2M" size={8} />
        </label>
        <label class="check">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.currentTarget.checked)} />
          Add paused
        </label>
      </div>
      <div id="add-problems" class="problems" role="alert">
        {[...errors, ...refused].length > 0 && (
          <ul>
            {[...errors, ...refused].map((p) => (
              <li key={`${p.line}:${p.message}`}>
                {where(p)}
                {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      {parsed.warnings.length > 0 && (
        <ul class="warnings">
          {parsed.warnings.map((p) => (
            <li key={`${p.line}:${p.message}`}>
              {where(p)}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <div class="add-actions">
        <button type="submit" class="primary" disabled={count === 0 || busy}>
          {count > 1 ? `Add ${count} downloads` : 'Add'}
        </button>
        <button type="button" onClick={() => fileRef.current?.click()}>
          Open input file…
        </button>
        <input ref={fileRef} type="file" class="hidden" tabIndex={-1} aria-hidden="true" onChange={(e) => void readFile(e.currentTarget.files?.[0])} />
        <span class="note" role="status">
          {note}
        </span>
      </div>
    </form>
  );
}
