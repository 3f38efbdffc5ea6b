import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from '../api/index.ts';
import type { ScreenDef } from '../screens/index.ts';

const loaded = new Map<string, ComponentType<ScreenProps>>();

/** Loads a screen's chunk on first use and renders it; later visits render at once. */
export function LazyScreen({ def, ...props }: ScreenProps & { def: ScreenDef }) {
  const [, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const Screen = loaded.get(def.id);
  useEffect(() => {
    if (loaded.has(def.id)) return;
    let live = true;
    setError(null);
    def
      .load()
      .then((m) => {
        loaded.set(def.id, m.default);
        if (live) setTick((t) => t + 1);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [def]);
  if (error)
    return (
      <div class="screen-message" data-testid="screen-error">
        {error}
      </div>
    );
  if (!Screen) return <div class="screen-message muted">Loading…</div>;
  return <Screen {...props} />;
}
