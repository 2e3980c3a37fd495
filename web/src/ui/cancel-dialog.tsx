import { useState } from 'preact/hooks';
import type { Download } from '../store/download.js';
import { Modal } from './modal.js';

/**
 * Confirm a cancel. "Also delete the files" needs ferry's `ferry.remove`; against plain aria2 the
 * box is disabled and says why (aria2's RPC cannot delete files).
 */
export function CancelDialog(props: { d: Download; canDelete: boolean; onConfirm: (deleteFiles: boolean) => void; onClose: () => void }) {
  const [deleteFiles, setDeleteFiles] = useState(false);
  const stopped = props.d.state === 'complete' || props.d.state === 'error' || props.d.state === 'removed';
  return (
    <Modal title={stopped ? 'Remove from the list' : 'Cancel download'} onClose={props.onClose} class="confirm">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm(props.canDelete && deleteFiles);
        }}
      >
        <p>
          {stopped ? 'Remove' : 'Cancel'} <strong>{props.d.name}</strong>?
        </p>
        <label class="check">
          <input
            type="checkbox"
            checked={deleteFiles}
            disabled={!props.canDelete}
            onChange={(e) => setDeleteFiles(e.currentTarget.checked)}
            aria-describedby="delete-note"
          />
          Also delete the files
        </label>
        {!props.canDelete && (
          <p id="delete-note" class="muted">
            This daemon cannot delete files over RPC (plain aria2): the files stay on disk.
          </p>
        )}
        <div class="dialog-actions">
          <button type="submit" class="danger">
            {stopped ? 'Remove' : 'Cancel download'}
          </button>
          <button type="button" onClick={props.onClose}>
            Keep it
          </button>
        </div>
      </form>
    </Modal>
  );
}
