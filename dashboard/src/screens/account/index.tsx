/**
 * My account: who I am, and two-step sign-in (TOTP): enrol (the otpauth URI and the secret as
 * text, for an authenticator app), confirm with a code, disable with a code. Route: /account.
 *
 * data-testid: account-email, account-role, totp-state, totp-enroll, totp-uri, totp-secret, totp-code,
 * totp-confirm, totp-disable-code, totp-disable
 */
import { useState } from 'preact/hooks';
import { postJson, type ScreenProps, toast, useSession } from '../../api/index.ts';
import { messageOf } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';

export default function AccountScreen({ session }: ScreenProps) {
  const { refresh } = useSession();
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const enabled = !!session.user.totpEnabled;
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      toast(messageOf(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  const codeInput = (testid: string) => (
    <input
      value={code}
      inputMode="numeric"
      autocomplete="one-time-code"
      maxLength={8}
      placeholder="123456"
      aria-label="One-time code"
      data-testid={testid}
      onInput={(e) => setCode((e.target as HTMLInputElement).value.replace(/\s/g, ''))}
    />
  );
  return (
    <div class="screen">
      <div class="panel">
        <h2>Account</h2>
        <div class="form-grid">
          <span class="field-label">Email</span>
          <span data-testid="account-email">{session.user.email}</span>
          <span class="field-label">Role</span>
          <span data-testid="account-role">{session.user.role}</span>
        </div>
      </div>
      <div class="panel">
        <h2>Two-step sign-in (TOTP)</h2>
        <p data-testid="totp-state">{enabled ? 'On: signing in asks for a code from your authenticator app.' : 'Off: signing in needs only your password.'}</p>
        {!enabled && !enrolment && (
          <div class="row">
            <button
              type="button"
              class="primary"
              disabled={busy}
              data-testid="totp-enroll"
              onClick={() => act(async () => setEnrolment(await postJson<{ secret: string; uri: string }>('/dashboard/api/totp/enroll')))}
            >
              Set up an authenticator app
            </button>
          </div>
        )}
        {!enabled && enrolment && (
          <>
            <p>
              Add this account to your authenticator app with the URI (many apps take it pasted, or as a QR code made from it) or the secret, then type the code
              it shows.
            </p>
            <span class="field-label">otpauth URI</span>
            <div class="secret" data-testid="totp-uri">
              {enrolment.uri}
            </div>
            <span class="field-label">Secret</span>
            <div class="secret" data-testid="totp-secret">
              {enrolment.secret}
            </div>
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault();
                void act(async () => {
                  await postJson('/dashboard/api/totp/confirm', { code });
                  toast('Two-step sign-in is on');
                  setEnrolment(null);
                  setCode('');
                  await refresh();
                });
              }}
            >
              {codeInput('totp-code')}
              <button type="submit" class="primary" disabled={busy || !code} data-testid="totp-confirm">
                Confirm
              </button>
            </form>
          </>
        )}
        {enabled && (
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                await postJson('/dashboard/api/totp/disable', { code });
                toast('Two-step sign-in is off');
                setCode('');
                await refresh();
              });
            }}
          >
            {codeInput('totp-disable-code')}
            <button type="submit" class="danger" disabled={busy || !code} data-testid="totp-disable">
              Turn off
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
