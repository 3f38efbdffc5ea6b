import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../../src/config/auth.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createMailAdapter } from '../../src/auth/mail/index.ts';
import { startTestSmtpServer } from '../conformance/smtp-server.ts';

/** A logger whose JSON lines are kept for the test to read. */
function capturedLogger() {
  const lines: Record<string, any>[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  return { logger, lines };
}

const LINK = 'http://localhost:1337/apps/app/request_password_reset?token=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnop&username=ann';

describe('createMailAdapter: the choice and the local default', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'plinth-data-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('without an SMTP URL keeps each message as a readable .eml in <dataDir>/mail, for its owner only, and logs it', async () => {
    const { logger, lines } = capturedLogger();
    const mail = createMailAdapter(loadAuthConfig({}, { mailFrom: 'app@example.com' }), dataDir, logger);
    await mail.send({ to: 'ann@example.com', subject: 'Password Reset for Plinth', text: `Click here to reset it:\n${LINK}\n` });
    const files = await readdir(path.join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]+\.eml$/);
    const file = path.join(dataDir, 'mail', files[0]);
    const text = await readFile(file, 'utf8');
    // Readable as it is: headers in clear, and the link whole on its own line (no encoding).
    expect(text).toMatch(/^From: app@example\.com\r$/m);
    expect(text).toMatch(/^To: ann@example\.com\r$/m);
    expect(text).toMatch(/^Subject: Password Reset for Plinth\r$/m);
    expect(text.split(/\r?\n/)).toContain(LINK);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const logged = lines.find((l) => l.mail);
    expect(logged?.mail).toMatchObject({ to: 'ann@example.com', subject: 'Password Reset for Plinth', file });
    expect(logged?.mail.text).toContain(LINK);
  });

  it('with an SMTP URL sends through that server, logging in with the URL credentials, and logs no text', async () => {
    const smtp = await startTestSmtpServer({ user: 'mailer', pass: 's3cret:/@' });
    try {
      const { logger, lines } = capturedLogger();
      const mail = createMailAdapter(loadAuthConfig({}, { smtpUrl: smtp.url, mailFrom: 'app@example.com' }), dataDir, logger);
      await mail.send({ to: 'ann@example.com', subject: 'Hello', text: `Link: ${LINK}` });
      await mail.close?.();
      const [received] = await smtp.waitFor(1);
      expect(received.user).toBe('mailer');
      expect(received.envelope).toEqual({ from: 'app@example.com', to: ['ann@example.com'] });
      await expect(readdir(path.join(dataDir, 'mail'))).rejects.toThrow(/ENOENT/);
      const logged = JSON.stringify(lines);
      expect(logged).toContain('ann@example.com');
      expect(logged).not.toContain('abcdefghijklmnopqrstuvwxyz234567');
      expect(logged).not.toContain('s3cret');
    } finally {
      await smtp.close();
    }
  });

  it('with wrong SMTP credentials the send fails (the message is not silently dropped)', async () => {
    const smtp = await startTestSmtpServer({ user: 'mailer', pass: 'right' });
    try {
      const mail = createMailAdapter(loadAuthConfig({}, { smtpUrl: smtp.url.replace('right', 'wrong') }), dataDir, createLogger('silent'));
      await expect(mail.send({ to: 'ann@example.com', subject: 'Hello', text: 'Hi' })).rejects.toThrow();
      await mail.close?.();
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });

  it.each(['http://mail.example.com', 'not a url', 'smtp://'])('refuses the SMTP URL %s at start-up, without echoing a password', (url) => {
    expect(() => createMailAdapter(loadAuthConfig({}, { smtpUrl: url }), dataDir, createLogger('silent'))).toThrow(/PLINTH_SMTP_URL/);
    expect(() => createMailAdapter(loadAuthConfig({}, { smtpUrl: 'ftp://user:hunter2@host' }), dataDir, createLogger('silent'))).toThrow(/user:\*\*\*@/);
  });
});
