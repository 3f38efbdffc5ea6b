import type { MailMessage } from './types.ts';

/**
 * A bare address (no display name, no whitespace, exactly one "@"). Recipients come from user
 * data, so anything else — a second address, a CR/LF that would start a new header — is refused
 * rather than interpreted.
 */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

/**
 * Checks a message before any adapter formats it, so that every adapter refuses the same
 * things: a recipient that is not one plain address, a subject that spans lines.
 */
export function checkMessage(message: MailMessage): void {
  if (typeof message.to !== 'string' || !ADDRESS.test(message.to)) throw new Error('mail: the recipient must be one plain email address');
  if (typeof message.subject !== 'string' || /[\r\n]/.test(message.subject)) throw new Error('mail: the subject must be one line');
  if (typeof message.text !== 'string') throw new Error('mail: the text is required');
  if (message.html !== undefined && typeof message.html !== 'string') throw new Error('mail: html must be a string');
}

/** Whether a string is an address checkMessage accepts. */
export function isPlainAddress(value: string): boolean {
  return ADDRESS.test(value);
}
