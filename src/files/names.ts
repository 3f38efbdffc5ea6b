import { randomBytes } from 'node:crypto';
import { fileErrors } from './errors.ts';

/*
 * File names. A client's name is cleaned to what it names (no path), checked (no control or
 * direction-changing characters, no `..`, not too long), and stored behind Parse's unique
 * prefix: 32 random hex digits and `_` (FilesController's `randomHexString(32) + '_'`). So a
 * stored name never holds `/`, `\`, NUL or `..`, never starts with a dot, and two uploads of
 * one name never meet. Unicode names and spaces are kept as given (NFC), and percent-encoded
 * in URLs.
 */

/** Parse's limit on the name given (before the prefix). */
const MAX_CHARACTERS = 128;
/** With the 33-byte prefix, a stored name stays within the 255 bytes a file system allows for one. */
const MAX_UTF8_BYTES = 200;

/** Control characters (C0, DEL, C1) and the characters that reorder text (which disguise an extension). */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** The stored name's prefix (Parse's format). */
const PREFIX = /^[0-9a-f]{32}_/;

/**
 * The name a client gave, cleaned: what follows the last `/` or `\` (browsers may send a
 * path), in NFC, without surrounding spaces. Refused (122) when nothing usable is left, when
 * it holds a control or bidirectional-override character or `..`, or when it is too long.
 */
export function cleanFileName(given: string): string {
  const base = given.normalize('NFC').split(/[/\\]/).pop()!.trim();
  if (base === '' || base.includes('..') || FORBIDDEN.test(base)) throw fileErrors.nameInvalid();
  checkLength(base);
  return base;
}

export function checkLength(name: string): void {
  if ([...name].length > MAX_CHARACTERS || Buffer.byteLength(name) > MAX_UTF8_BYTES) throw fileErrors.nameTooLong();
}

/** The extension as Parse reads it: what follows the last dot ("" when there is none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** `name` with `extension` added (a name ending in a dot gets no second one). */
export function withExtension(name: string, extension: string): string {
  return name.endsWith('.') ? name + extension : `${name}.${extension}`;
}

/** The name a file is stored under: Parse's unique prefix, then the (cleaned) name. */
export function storedFileName(name: string): string {
  return `${randomBytes(16).toString('hex')}_${name}`;
}

/** The name as the client gave it, without the stored name's prefix (for messages and triggers). */
export function givenName(stored: string): string {
  return stored.replace(PREFIX, '');
}
