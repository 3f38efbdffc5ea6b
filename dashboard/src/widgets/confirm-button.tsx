import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A button that asks once more before a destructive action: the first click shows "Confirm"
 * (testid `<testid>-confirm`) and "Cancel" next to it; nothing happens until Confirm.
 */
export function ConfirmButton(props: {
  onConfirm: () => void | Promise<void>;
  children: ComponentChildren;
  testid?: string;
  question?: string;
  disabled?: boolean;
  class?: string;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const t = setTimeout(() => setAsking(false), 8000);
    return () => clearTimeout(t);
  }, [asking]);
  if (!asking)
    return (
      <button type="button" class={props.class ?? 'small danger'} disabled={props.disabled} data-testid={props.testid} onClick={() => setAsking(true)}>
        {props.children}
      </button>
    );
  return (
    <span class="confirm-inline">
      <span class="muted">{props.question ?? 'Sure?'}</span>
      <button
        type="button"
        class="small danger"
        disabled={busy}
        data-testid={props.testid ? `${props.testid}-confirm` : undefined}
        onClick={async () => {
          setBusy(true);
          try {
            await props.onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        Confirm
      </button>
      <button type="button" class="small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
