import { useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { JsonEditor, parseJsonText } from '../../widgets/json-editor.tsx';
import { messageOf } from '../../widgets/use-load.ts';

type Audience = 'all' | 'channels' | 'where';

/** A datetime-local value as an ISO instant (the browser's zone); undefined when empty. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) throw new Error(`Not a date: ${local}`);
  return d.toISOString();
}

/** The push composer: audience, message, badge, sound, title, schedule and expiry; answers through sendPush. */
export function Compose({ onSent }: { onSent: () => void }) {
  const gql = useGql();
  const [audience, setAudience] = useState<Audience>('all');
  const [channels, setChannels] = useState('');
  const [where, setWhere] = useState('{\n  "deviceType": { "equalTo": "ios" }\n}');
  const [alert, setAlert] = useState('');
  const [title, setTitle] = useState('');
  const [badge, setBadge] = useState('');
  const [sound, setSound] = useState('');
  const [extra, setExtra] = useState('');
  const [pushTime, setPushTime] = useState('');
  const [expiry, setExpiry] = useState<'none' | 'time' | 'interval'>('none');
  const [expirationTime, setExpirationTime] = useState('');
  const [interval, setIntervalText] = useState('');
  const [busy, setBusy] = useState(false);

  const send = async (e: Event) => {
    e.preventDefault();
    try {
      const data: Record<string, unknown> = { ...(parseJsonText(extra, { object: true, empty: {} }) as Record<string, unknown>) };
      if (alert) data.alert = alert;
      if (title) data.title = title;
      if (sound) data.sound = sound;
      if (badge) data.badge = badge === 'Increment' ? 'Increment' : Number(badge);
      if (data.badge !== undefined && data.badge !== 'Increment' && !Number.isInteger(data.badge)) throw new Error('The badge is a whole number or Increment.');
      const input: Record<string, unknown> = { data };
      if (audience === 'channels') {
        const list = channels
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean);
        if (!list.length) throw new Error('Name at least one channel.');
        input.channels = list;
      } else if (audience === 'where') input.where = parseJsonText(where, { object: true });
      else input.where = {};
      const at = instant(pushTime);
      if (at) input.pushTime = at;
      if (expiry === 'time') input.expirationTime = instant(expirationTime);
      if (expiry === 'interval') {
        const seconds = Number(interval);
        if (!Number.isInteger(seconds) || seconds <= 0) throw new Error('The expiration interval is a number of seconds.');
        input.expirationInterval = seconds;
      }
      setBusy(true);
      const d = await gql<{ sendPush: string }>('mutation($input: JSON!) { sendPush(input: $input) }', { input });
      toast(`Push ${d.sendPush} ${at ? 'scheduled' : 'queued'}`);
      onSent();
    } catch (err) {
      toast(messageOf(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  const radio = (value: Audience, label: string) => (
    <label class="row">
      <input type="radio" name="audience" checked={audience === value} data-testid={`push-audience-${value}`} onChange={() => setAudience(value)} /> {label}
    </label>
  );
  const input = (id: string, value: string, set: (v: string) => void, placeholder = '') => (
    <input id={id} value={value} placeholder={placeholder} data-testid={id} onInput={(e) => set((e.target as HTMLInputElement).value)} />
  );
  return (
    <form class="panel" onSubmit={send} data-testid="push-compose">
      <h3>Compose</h3>
      <div class="form-grid">
        <span class="field-label">Audience</span>
        <div class="row">
          {radio('all', 'Every installation')}
          {radio('channels', 'Channels')}
          {radio('where', 'Installations matching')}
        </div>
        {audience === 'channels' && (
          <>
            <label for="push-channels">Channels</label>
            {input('push-channels', channels, setChannels, 'news, offers')}
          </>
        )}
        {audience === 'where' && (
          <>
            <span class="field-label">Where (_Installation)</span>
            <JsonEditor value={where} onInput={setWhere} object rows={4} testid="push-where" />
          </>
        )}
        <label for="push-alert">Message</label>
        {input('push-alert', alert, setAlert, 'The text shown')}
        <label for="push-title">Title</label>
        {input('push-title', title, setTitle)}
        <label for="push-badge">Badge</label>
        {input('push-badge', badge, setBadge, 'a number, or Increment')}
        <label for="push-sound">Sound</label>
        {input('push-sound', sound, setSound, 'default')}
        <span class="field-label">More data (JSON)</span>
        <JsonEditor value={extra} onInput={setExtra} object rows={3} placeholder='{"uri": "app://offers"}' testid="push-data" />
        <label for="push-time">Send at</label>
        <div class="row">
          <input
            id="push-time"
            type="datetime-local"
            value={pushTime}
            data-testid="push-time"
            onInput={(e) => setPushTime((e.target as HTMLInputElement).value)}
          />
          <span class="muted">empty: now</span>
        </div>
        <label for="push-expiry">Expires</label>
        <div class="row">
          <select
            id="push-expiry"
            value={expiry}
            data-testid="push-expiry"
            onChange={(e) => setExpiry((e.target as HTMLSelectElement).value as 'none' | 'time' | 'interval')}
          >
            <option value="none">never</option>
            <option value="time">at a time</option>
            <option value="interval">after an interval</option>
          </select>
          {expiry === 'time' && (
            <input
              type="datetime-local"
              value={expirationTime}
              aria-label="Expiration time"
              data-testid="push-expiration-time"
              onInput={(e) => setExpirationTime((e.target as HTMLInputElement).value)}
            />
          )}
          {expiry === 'interval' && (
            <input
              value={interval}
              inputMode="numeric"
              placeholder="seconds"
              aria-label="Expiration interval"
              data-testid="push-expiration-interval"
              onInput={(e) => setIntervalText((e.target as HTMLInputElement).value)}
            />
          )}
        </div>
      </div>
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid="push-send">
          Send push
        </button>
      </div>
    </form>
  );
}
