import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal dialog on the native <dialog> element (focus trap, Escape and the backdrop for free).
 * Rendered only while open; Escape or the close button call `onClose`.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Buttons in the footer (the close button is added after them). */
  actions?: ComponentChildren;
  testid?: string;
  closeLabel?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      data-testid={props.testid}
      aria-label={props.title}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <div class="dialog-body">
        <h2>{props.title}</h2>
        {props.children}
      </div>
      <div class="dialog-actions">
        {props.actions}
        <button type="button" onClick={props.onClose} data-testid={props.testid ? `${props.testid}-close` : undefined}>
          {props.closeLabel ?? 'Close'}
        </button>
      </div>
    </dialog>
  );
}
