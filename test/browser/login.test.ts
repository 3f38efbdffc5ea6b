import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, loginThroughUi, openPage, shell, startDashboard, submitLogin, textMatching, type Dashboard } from './harness.ts';

// Getting in: the first-run setup link, logins that fail alike, and the session that follows.
let dash: Dashboard;
beforeAll(async () => {
  dash = await startDashboard();
});
afterAll(async () => {
  await closeBrowser();
  await dash?.stop();
});

const admins = () => dash.sql<{ email: string; role: string }>(`SELECT "email", "role" FROM "_PlinthAdmin" ORDER BY "created_at"`);
const sessions = async () => Number((await dash.sql(`SELECT count(*)::int AS n FROM "_PlinthAdminSession"`))[0].n);

describe('first run', () => {
  it('the setup link printed at start creates the first owner, once', async () => {
    // The link start-up prints (the CLI's banner prints plinth.admin.setupUrl; a log line may carry it too).
    const printed = [...dash.logs.map((l) => JSON.stringify(l)), dash.plinth.admin.setupUrl ?? ''].find((l) => l.includes('/dashboard/setup#token='));
    expect(printed).toBeDefined();
    const token = /\/dashboard\/setup#token=([a-z2-7]+)/.exec(printed!)![1];
    expect(await admins()).toEqual([]);

    const { page, context } = await openPage(dash, { path: `/dashboard/setup#token=${token}` });
    // The token leaves the address bar at once (no history, no referrer).
    await page.getByTestId('setup-email').fill('first@example.test');
    expect(page.url()).not.toContain(token);
    await page.getByTestId('setup-password').fill('first-owner-pass-1');
    await page.getByTestId('setup-confirm').fill('first-owner-pass-1');
    await page.getByTestId('setup-submit').click();
    await expect(shell(page).textContent()).resolves.toContain('first@example.test');
    expect(await admins()).toEqual([{ email: 'first@example.test', role: 'OWNER' }]);
    expect(await sessions()).toBe(1);
    await context.close();

    // Spent: the same link cannot make a second owner.
    const again = await openPage(dash, { path: `/dashboard/setup#token=${token}` });
    await again.page.getByTestId('setup-email').fill('second@example.test');
    await again.page.getByTestId('setup-password').fill('second-owner-pass-2');
    await again.page.getByTestId('setup-confirm').fill('second-owner-pass-2');
    await again.page.getByTestId('setup-submit').click();
    await expect(again.page.getByTestId('setup-error').textContent()).resolves.toMatch(/not valid/i);
    expect(await admins()).toEqual([{ email: 'first@example.test', role: 'OWNER' }]);
    await again.context.close();
  });
});

describe('login', () => {
  it('a wrong password and an unknown email get the same message, and no session', async () => {
    const { page, context } = await openPage(dash, { path: '/dashboard/' });
    const before = await sessions();
    await submitLogin(page, 'first@example.test', 'not-the-password');
    const wrong = await page.getByTestId('login-error').textContent();
    await page.reload();
    await submitLogin(page, 'nobody@example.test', 'not-the-password');
    const unknown = await page.getByTestId('login-error').textContent();
    expect(wrong).toBe(unknown);
    expect(wrong).toMatch(/invalid email or password/i);
    expect(await sessions()).toBe(before);
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    await context.close();
  });

  it('the right password signs in; reload keeps the session; log out ends it in the database', async () => {
    const viewer = await loginThroughUi(dash, 'first@example.test', 'first-owner-pass-1');
    const { page } = viewer;
    const before = await sessions();
    await page.reload();
    await shell(page).waitFor();
    await shell(page).click();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    expect(await sessions()).toBe(before - 1);
    // The cookie no longer opens anything.
    await page.reload();
    await page.getByTestId('login-form').waitFor();
    await viewer.context.close();
  });
});

describe('two-step sign-in', () => {
  /** The code of `secret` (base32) for the 30-second step `offset` steps from now. */
  const code = (secret: string, offset = 0) => generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(Date.now() / 30_000) + offset), 6);

  it('enrols TOTP from My account; the next login asks for a code and accepts a fresh one only', async () => {
    const admin = await dash.createAdmin('ADMIN', { email: 'totp@example.test', password: 'totp-user-pass-1' });
    const viewer = await loginThroughUi(dash, admin.email, admin.password);
    const { page } = viewer;
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-account').click();
    await expect(page.getByTestId('totp-state').textContent()).resolves.toMatch(/^Off/);
    await page.getByTestId('totp-enroll').click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
    await expect(page.getByTestId('totp-uri').textContent()).resolves.toContain('otpauth://totp/');
    await page.getByTestId('totp-code').fill(code(secret));
    await page.getByTestId('totp-confirm').click();
    await textMatching(page.getByTestId('totp-state'), /^On/);
    const [stored] = await dash.sql(`SELECT "totp_secret" IS NOT NULL AS "on", "totp_pending" FROM "_PlinthAdmin" WHERE "id" = $1`, [admin.id]);
    expect(stored).toEqual({ on: true, totp_pending: null });
    await viewer.context.close();

    const again = await openPage(dash, { path: '/dashboard/' });
    await submitLogin(again.page, admin.email, admin.password);
    await again.page.getByTestId('login-totp').waitFor();
    const before = await sessions();
    // A wrong code is refused, with no session made.
    await again.page.getByTestId('login-totp').fill('000000' === code(secret, 1) ? '111111' : '000000');
    await again.page.getByTestId('login-submit').click();
    await expect(again.page.getByTestId('login-error').textContent()).resolves.toMatch(/one-time code/i);
    expect(await sessions()).toBe(before);
    // The confirming code's step is spent: the next step's code signs in.
    await again.page.getByTestId('login-totp').fill(code(secret, 1));
    await again.page.getByTestId('login-submit').click();
    await shell(again.page).waitFor();
    expect(await sessions()).toBe(before + 1);
    await again.context.close();
  });
});
