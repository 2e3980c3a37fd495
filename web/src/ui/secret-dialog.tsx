import { useState } from 'preact/hooks';
import { Modal } from './modal.js';

/** Ask for the RPC secret; the page keeps it in the browser's storage (never in the URL). */
export function SecretDialog({ error, onSubmit }: { error?: string; onSubmit: (secret: string) => void }) {
  const [secret, setSecret] = useState('');
  return (
    <Modal title="The daemon needs its RPC secret" class="secret">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (secret !== '') onSubmit(secret);
        }}
      >
        <p>Type the secret the daemon was started with (ferry: its config; aria2: --rpc-secret). This browser remembers it.</p>
        <label for="secret-input">RPC secret</label>
        <input
          id="secret-input"
          type="password"
          autoComplete="current-password"
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
          aria-describedby="secret-error"
        />
        <p id="secret-error" class="error" role="alert">
          {error ?? ''}
        </p>
        <div class="dialog-actions">
          <button type="submit" class="primary" disabled={secret === ''}>
            Connect
          </button>
        </div>
      </form>
    </Modal>
  );
}
