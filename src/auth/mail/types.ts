/** An email to send. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * The mail seam: SMTP through nodemailer when configured; by default a sender that needs no
 * server and keeps every message where a developer can read it (the log and the data directory).
 */
export interface MailAdapter {
  send(message: MailMessage): Promise<void>;
  close?(): Promise<void>;
}
