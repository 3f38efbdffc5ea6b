import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailAdapter, MailMessage } from '../../src/auth/mail/index.ts';

/** One delivered message: its raw RFC 5322 text, and the SMTP envelope when there is one. */
export interface Delivered {
  raw: string;
  envelopeTo?: string[];
}

/** What an implementation gives the suite: the adapter and a way to see what it delivered. */
export interface MailHarness {
  adapter: MailAdapter;
  /** The sender address the adapter was configured with. */
  from: string;
  /** Everything delivered so far, once at least `count` messages are there (waits a little for transports). */
  delivered(count: number): Promise<Delivered[]>;
  close(): Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
}

/** The link-bearing message the email flows send: a long URL with a query, and non-ASCII text. */
const LINK = 'http://localhost:1337/apps/my-app/request_password_reset?token=abcdefghijklmnopqrstuvwxyz234567&username=%C3%A5sa%2Bx%40example.com';
const MESSAGE: MailMessage = {
  to: 'asa+x@example.com',
  subject: 'Password Reset for Plinth — Åsa ✓',
  text: `Hi,\n\nYou requested to reset your password for Plinth (your username is 'åsa').\n\nClick here to reset it:\n${LINK}\n`,
};

/**
 * The mail seam's shared suite: every MailAdapter implementation runs it (the local default
 * and SMTP). A message arrives as one parseable email with the sender, recipient, subject and
 * text exactly as given — links intact — and anything that would let user data add recipients
 * or headers is refused before it is sent.
 */
export function mailConformance(name: string, start: () => Promise<MailHarness>): void {
  describe(`MailAdapter conformance: ${name}`, () => {
    let h: MailHarness;
    beforeEach(async () => {
      h = await start();
    });
    afterEach(async () => {
      await h?.adapter.close?.();
      await h?.close();
    });

    const parse = async (d: Delivered): Promise<ParsedMail> => simpleParser(d.raw);

    it('delivers one message with the sender, recipient, subject and text exactly as given', async () => {
      await h.adapter.send(MESSAGE);
      const [d] = await h.delivered(1);
      const mail = await parse(d);
      expect(addresses(mail.from)).toEqual([h.from]);
      expect(addresses(mail.to)).toEqual([MESSAGE.to]);
      if (d.envelopeTo) expect(d.envelopeTo).toEqual([MESSAGE.to]);
      expect(mail.subject).toBe(MESSAGE.subject);
      expect(mail.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(MESSAGE.text.trimEnd());
      expect(mail.text).toContain(LINK);
      expect(mail.messageId).toMatch(/^<.+@.+>$/);
      expect(mail.date).toBeInstanceOf(Date);
    });

    it('delivers the HTML alternative next to the text', async () => {
      const html = `<p>Click <a href="${LINK.replace(/&/g, '&amp;')}">here</a> — ✓</p>`;
      await h.adapter.send({ ...MESSAGE, html });
      const [d] = await h.delivered(1);
      const mail = await parse(d);
      expect(mail.html).toContain(html);
      expect(mail.text).toContain(LINK);
    });

    it('delivers messages sent at the same time, each once, with distinct message ids', async () => {
      const to = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com'];
      await Promise.all(to.map((address, i) => h.adapter.send({ to: address, subject: `Message ${i}`, text: `Body ${i}` })));
      const all = await h.delivered(5);
      expect(all).toHaveLength(5);
      const mails = await Promise.all(all.map(parse));
      expect(mails.map((m) => addresses(m.to)[0]).sort()).toEqual(to);
      for (const m of mails) expect(m.text?.trim()).toBe(`Body ${m.subject!.slice('Message '.length)}`);
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(5);
    });

    it.each([
      ['a header injected through the recipient', 'victim@example.com\r\nBcc: attacker@example.com'],
      ['two recipients', 'victim@example.com, attacker@example.com'],
      ['a display name', 'Victim <victim@example.com>'],
      ['no address at all', 'not an address'],
      ['an empty recipient', ''],
    ])('refuses %s and sends nothing', async (_case, to) => {
      await expect(h.adapter.send({ to, subject: 'Hello', text: 'Hi' })).rejects.toThrow(/recipient/);
      await h.adapter.send({ to: 'check@example.com', subject: 'after', text: 'after' });
      const all = await h.delivered(1);
      expect(all).toHaveLength(1);
      expect(addresses((await parse(all[0])).to)).toEqual(['check@example.com']);
    });

    it('refuses a subject that spans lines (it would add headers)', async () => {
      await expect(h.adapter.send({ to: 'victim@example.com', subject: 'Hello\r\nBcc: attacker@example.com', text: 'Hi' })).rejects.toThrow(/subject/);
      await h.adapter.send({ to: 'check@example.com', subject: 'after', text: 'after' });
      const all = await h.delivered(1);
      expect(all).toHaveLength(1);
      expect(all[0].raw).not.toMatch(/attacker/);
    });
  });
}
