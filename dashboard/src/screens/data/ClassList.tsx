import { useEffect, useRef, useState } from 'preact/hooks';
import { useGql } from '../../api/gql.ts';
import type { ClassInfo } from '../../grid/types.ts';
import { COUNT } from './queries.ts';

/** Counts already fetched, by class (kept while the tab lives; the live grid adjusts the open one). */
export const counts = new Map<string, number>();
const countListeners = new Set<() => void>();

export function setCount(className: string, n: number): void {
  counts.set(className, n);
  for (const l of countListeners) l();
}

/** The count of a class as last known (fetched or adjusted by the live grid); re-renders on change. */
export function useKnownCount(className: string): number | undefined {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    countListeners.add(l);
    return () => void countListeners.delete(l);
  }, []);
  return counts.get(className);
}

/**
 * The class list: each class's count is asked only when its entry scrolls into view (a few at a
 * time), so opening the browser does not count every table.
 */
export function ClassList({ classes, current, onOpen }: { classes: ClassInfo[]; current: string | null; onOpen: (name: string) => void }) {
  const gql = useGql();
  const [, setTick] = useState(0);
  const [filter, setFilter] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const pending = useRef(new Set<string>());

  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    countListeners.add(l);
    return () => void countListeners.delete(l);
  }, []);

  useEffect(() => {
    const root = listRef.current;
    if (!root) return;
    const queue: string[] = [];
    let running = 0;
    const pump = () => {
      while (running < 3 && queue.length) {
        const name = queue.shift()!;
        running++;
        gql<{ count: number }>(COUNT, { className: name })
          .then((d) => setCount(name, d.count))
          .catch(() => undefined)
          .finally(() => {
            running--;
            pump();
          });
      }
    };
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const name = (e.target as HTMLElement).dataset.class!;
          if (!e.isIntersecting || counts.has(name) || pending.current.has(name)) continue;
          pending.current.add(name);
          queue.push(name);
        }
        pump();
      },
      { root },
    );
    for (const el of root.querySelectorAll('[data-class]')) io.observe(el);
    return () => io.disconnect();
  }, [gql, classes, filter]);

  const shown = filter ? classes.filter((c) => c.className.toLowerCase().includes(filter.toLowerCase())) : classes;
  return (
    <div class="class-list">
      <input
        type="search"
        class="class-filter"
        placeholder="Find a class"
        aria-label="Find a class"
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
        data-testid="class-filter"
      />
      <ul ref={listRef} aria-label="Classes">
        {shown.map((c) => {
          const n = counts.get(c.className);
          return (
            <li key={c.className} data-class={c.className}>
              <a
                href={`/dashboard/data/${encodeURIComponent(c.className)}`}
                class={c.className === current ? 'active' : ''}
                aria-current={c.className === current ? 'page' : undefined}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey) return;
                  e.preventDefault();
                  onOpen(c.className);
                }}
                data-testid={`class-${c.className}`}
              >
                <span class="class-name">{c.className}</span>
                <span class="class-count muted" data-testid={`count-${c.className}`}>
                  {n === undefined ? '' : n.toLocaleString()}
                </span>
              </a>
            </li>
          );
        })}
        {shown.length === 0 && <li class="muted class-none">No class</li>}
      </ul>
    </div>
  );
}
