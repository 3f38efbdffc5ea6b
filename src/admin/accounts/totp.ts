import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { decodeHex, encodeHexLowerCase } from '@oslojs/encoding';
import type { Database, Sql } from '../../db/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import * as SQL from './sql.ts';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_S = 30;
const DIGITS = 6;

export interface TotpEnrolment {
  /** The secret in base32, for typing into an app. */
  secret: string;
  /** otpauth:// URI, for a QR code. */
  uri: string;
}

const invalidCode = () => new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'Invalid one-time code.', 401);

/**
 * The time step whose code `code` is, within one step either side of now (clock drift), and
 * later than `usedStep` (a code is good once); undefined when none.
 */
export function matchingStep(key: Uint8Array, code: string, usedStep: bigint | null, now = Date.now()): bigint | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const current = BigInt(Math.floor(now / (PERIOD_S * 1000)));
  for (const step of [current - 1n, current, current + 1n]) {
    if (usedStep !== null && step <= usedStep) continue;
    if (verifyHOTP(key, step, DIGITS, code)) return step;
  }
  return undefined;
}

type TotpState = {
  secret: string | null;
  pending: string | null;
  usedStep: string | null;
};

/**
 * Optional second factor of dashboard logins. Enrolment generates a secret kept as pending; it is
 * in force only once a code from the app confirms it. Disabling asks for a current code. Each
 * accepted code spends its time step (stored), so a code seen over a shoulder cannot be replayed.
 */
export class AdminTotp {
  constructor(
    private readonly db: Database,
    private readonly issuer = 'Plinth',
  ) {}

  /** Starts enrolment (or starts it again with a new secret); refused while TOTP is on. */
  async enroll(adminId: string, email: string): Promise<TotpEnrolment> {
    const key = new Uint8Array(20);
    crypto.getRandomValues(key);
    const changed = await this.db.execute(SQL.SET_TOTP_PENDING, [adminId, encodeHexLowerCase(key)]);
    if (!changed) throw new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'Two-factor authentication is already on; disable it first.', 400);
    const uri = createTOTPKeyURI(this.issuer, email, key, PERIOD_S, DIGITS);
    return { secret: new URL(uri).searchParams.get('secret') ?? '', uri };
  }

  /** Turns TOTP on with the pending secret, if `code` is one of its codes. */
  async confirm(adminId: string, code: string): Promise<void> {
    const state = await this.state(adminId);
    if (!state?.pending) throw new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'No two-factor enrolment is in progress.', 400);
    const step = matchingStep(decodeHex(state.pending), String(code ?? ''), null);
    if (step === undefined || !(await this.db.execute(SQL.CONFIRM_TOTP, [adminId, step.toString(), state.pending]))) throw invalidCode();
  }

  /** Turns TOTP off, given a current code. */
  async disable(adminId: string, code: string): Promise<void> {
    const state = await this.state(adminId);
    if (!state?.secret) throw new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'Two-factor authentication is not on.', 400);
    if (!(await this.check(adminId, state.secret, state.usedStep, code))) throw invalidCode();
    await this.db.execute(SQL.DISABLE_TOTP, [adminId]);
  }

  /** Whether `code` is a current, unused code of `secret`; spends its step when it is. */
  async check(adminId: string, secret: string, usedStep: string | null, code: string, sql: Sql = this.db): Promise<boolean> {
    const step = matchingStep(decodeHex(secret), String(code ?? ''), usedStep === null ? null : BigInt(usedStep));
    return step !== undefined && (await sql.execute(SQL.USE_TOTP_STEP, [adminId, step.toString()])) > 0;
  }

  private async state(adminId: string): Promise<TotpState | undefined> {
    const [row] = await this.db.query<TotpState>(SQL.TOTP_STATE, [adminId]);
    return row;
  }
}
