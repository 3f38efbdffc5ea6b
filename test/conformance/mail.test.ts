import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/config/logger.ts';
import { createLocalMail, createSmtpMail } from '../../src/auth/mail/index.ts';
import { mailConformance, type Delivered } from './mail.ts';
import { startTestSmtpServer } from './smtp-server.ts';

const FROM = 'no-reply@plinth.test';
const silent = createLogger('silent');

/** The default adapter: what it delivers is what it wrote to its directory. */
mailConformance('local (log and data directory)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'plinth-mail-'));
  const read = async (): Promise<Delivered[]> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    return Promise.all(names.sort().map(async (n) => ({ raw: await readFile(path.join(dir, n), 'utf8') })));
  };
  return {
    adapter: createLocalMail({ dir, from: FROM, logger: silent }),
    from: FROM,
    delivered: () => read(),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});

/** SMTP through nodemailer, to a real SMTP server started here. */
mailConformance('SMTP (nodemailer)', async () => {
  const smtp = await startTestSmtpServer();
  return {
    adapter: createSmtpMail({ url: smtp.url, from: FROM, logger: silent }),
    from: FROM,
    async delivered(count) {
      await smtp.waitFor(count);
      return smtp.received.map((m) => ({ raw: m.raw, envelopeTo: m.envelope.to }));
    },
    close: () => smtp.close(),
  };
});
