import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal `<dialog>`: focus moves into it, Escape or the close button calls `onClose`, and focus
 * returns to where it was when it closes.
 */
export function Modal(props: { title: string; onClose?: () => void; class?: string; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      before?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={props.class}
      aria-labelledby="modal-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose?.();
      }}
    >
      <header class="modal-head">
        <h2 id="modal-title">{props.title}</h2>
        {props.onClose !== undefined && (
          <button type="button" class="close" onClick={props.onClose} aria-label="Close">
            ×
          </button>
        )}
      </header>
      {props.children}
    </dialog>
  );
}
