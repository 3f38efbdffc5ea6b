import { useClient } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import type { RowStore } from '../../grid/pager.ts';
import type { Obj } from '../../grid/types.ts';
import { counts, setCount } from './ClassList.tsx';
import { OBJECT_EVENTS } from './queries.ts';

interface ObjectEvent {
  kind: string;
  object: Obj;
  original: Obj | null;
}

/**
 * The live grid: while a class is open, objectEvents(className, where) through the live query
 * engine (with the admin's permissions) — created rows appear on top, updated rows change in
 * place, deleted rows are marked and removed. Answers whether the subscription is up.
 */
export function useLiveGrid(store: RowStore, className: string, where: Record<string, unknown> | null, countWhere: boolean): 'live' | 'off' | 'error' {
  const client = useClient();
  const [status, setStatus] = useState<'live' | 'off' | 'error'>('off');
  const whereKey = JSON.stringify(where);
  useEffect(() => {
    setStatus('live');
    const adjust = (delta: number) => {
      const n = counts.get(className);
      if (!countWhere && n !== undefined) setCount(className, Math.max(0, n + delta));
    };
    const sub = client.subscription<{ objectEvents: ObjectEvent }>(OBJECT_EVENTS, { className, where: JSON.parse(whereKey) }).subscribe((result) => {
      if (result.error) {
        setStatus('error');
        return;
      }
      const ev = result.data?.objectEvents;
      if (!ev?.object?.objectId) return;
      switch (ev.kind.toUpperCase()) {
        case 'CREATE':
          adjust(1);
          store.insert(ev.object);
          break;
        case 'ENTER':
          store.insert(ev.object);
          break;
        case 'UPDATE':
          store.update(ev.object);
          break;
        case 'DELETE':
          adjust(-1);
          store.remove(ev.object.objectId);
          break;
        case 'LEAVE':
          store.remove(ev.object.objectId);
          break;
      }
    });
    return () => {
      sub.unsubscribe();
      setStatus('off');
    };
  }, [client, store, className, whereKey, countWhere]);
  return status;
}
