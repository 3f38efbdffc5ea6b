/** A quiet notice in the corner; the shell's <Toasts/> renders what is posted here. */
export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
}

let nextId = 1;
let toasts: Toast[] = [];
const listeners = new Set<(list: Toast[]) => void>();

function emit(): void {
  for (const l of listeners) l(toasts);
}

export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const t = { id: nextId++, message, kind };
  toasts = [...toasts, t].slice(-4);
  emit();
  setTimeout(() => dismissToast(t.id), kind === 'error' ? 8000 : 3500);
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function subscribeToasts(listener: (list: Toast[]) => void): () => void {
  listeners.add(listener);
  listener(toasts);
  return () => void listeners.delete(listener);
}
