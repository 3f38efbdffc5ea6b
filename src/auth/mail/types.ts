/** An email to send: one recipient, a subject, the text (with its links) and optionally HTML. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * The mail seam: SMTP through nodemailer when configured; by default a sender that needs no
 * server and keeps every message where a developer can read it (the log and the data directory).
 * Every implementation runs test/conformance/mail.ts.
 */
export interface MailAdapter {
  /** Resolves once the message is handed over (to the SMTP server, or to disk); rejects otherwise. */
  send(message: MailMessage): Promise<void>;
  /** Releases connections; called when the server stops. */
  close?(): Promise<void>;
}
