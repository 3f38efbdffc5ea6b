import { createHash } from 'node:crypto';

/** Parse's `pushHash`: MD5 of the alert text, or of its JSON when it is an object (the MD5 of "" without one). */
export function pushHash(data: Record<string, unknown>): string {
  const alert = data.alert;
  const text = typeof alert === 'string' ? alert : typeof alert === 'object' && alert !== null ? JSON.stringify(alert) : '';
  return createHash('md5').update(text).digest('hex');
}
