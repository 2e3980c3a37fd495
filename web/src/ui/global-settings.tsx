import { useState } from 'preact/hooks';
import { formatSpeed, parseSizeInput } from '../lib/format.js';

/** The global download limit and the number of active downloads, changed with changeGlobalOption. */
export function GlobalSettings({ options, onChange }: { options: Record<string, string>; onChange: (key: string, value: string) => void }) {
  const [limit, setLimit] = useState('');
  const [active, setActive] = useState('');
  const [problem, setProblem] = useState('');
  const currentLimit = Number(options['max-overall-download-limit'] ?? 0);
  const submit = (e: Event): void => {
    e.preventDefault();
    setProblem('');
    if (limit.trim() !== '') {
      const bytes = parseSizeInput(limit);
      if (bytes === undefined) {
        setProblem(`Speed limit "${limit}" is not a size: write e.g. 500K or 2M (0 = none).`);
        return;
      }
      onChange('max-overall-download-limit', String(bytes));
    }
    if (active.trim() !== '') {
      if (!/^[1-9]\d*$/.test(active.trim())) {
        setProblem(`Active downloads "${active}" must be a whole number from 1.`);
        return;
      }
      onChange('max-concurrent-downloads', active.trim());
    }
    setLimit('');
    setActive('');
  };
  return (
    <form class="globals" onSubmit={submit} aria-label="Global limits">
      <label>
        Total speed limit <span class="muted">(now {currentLimit > 0 ? formatSpeed(currentLimit) : 'none'})</span>
        <input value={limit} onInput={(e) => setLimit(e.currentTarget.value)} placeholder="e.g. 2M, 0 = none" size={10} />
      </label>
      <label>
        Active at once <span class="muted">(now {options['max-concurrent-downloads'] ?? '?'})</span>
        <input value={active} onInput={(e) => setActive(e.currentTarget.value)} inputMode="numeric" size={4} />
      </label>
      <button type="submit">Apply</button>
      <p class="error" role="alert">
        {problem}
      </p>
    </form>
  );
}
