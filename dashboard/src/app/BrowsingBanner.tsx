import { useState } from 'preact/hooks';
import { useGql } from '../api/gql.ts';
import { useSession } from '../api/session.ts';
import { toast } from '../api/toast.ts';

/** Shown while data requests run as a user ("browse as"); Stop ends it on the server. */
export function BrowsingBanner({ userId }: { userId: string }) {
  const gql = useGql();
  const { refresh } = useSession();
  const [busy, setBusy] = useState(false);
  const stop = async () => {
    setBusy(true);
    try {
      await gql('mutation { browseAs(userId: null) { browsingAs } }');
      await refresh();
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="browsing-banner" role="status" data-testid="browsing-banner">
      <span>
        Browsing as user <code>{userId}</code>: data reads and writes run with that user's permissions.
      </span>
      <button type="button" onClick={stop} disabled={busy} data-testid="browsing-stop">
        Stop
      </button>
    </div>
  );
}
