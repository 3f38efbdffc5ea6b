import type { FieldInfo } from './types.ts';

/**
 * How a value shows in a cell: always plain text (rendered as a text node, never as HTML), so
 * hostile data can only ever look like itself.
 */
export function formatValue(value: unknown, field: FieldInfo): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  switch (v.__type) {
    case 'Date':
      return String(v.iso ?? '');
    case 'Pointer':
      return String(v.objectId ?? '');
    case 'File':
      return String(v.name ?? '');
    case 'GeoPoint':
      return `${v.latitude}, ${v.longitude}`;
    case 'Relation':
      return `Relation<${String(v.className ?? field.targetClass ?? '')}>`;
    case 'Bytes':
      return String(v.base64 ?? '');
    case 'Polygon':
      return JSON.stringify(v.coordinates ?? []);
  }
  if (field.type === 'ACL') return formatAcl(v);
  return JSON.stringify(value);
}

/** A one-line summary of a stored ACL in Parse's shape ({"*": {read: true}, "userId": {...}, "role:x": {...}}). */
export function formatAcl(acl: Record<string, unknown>): string {
  const entries = Object.entries(acl) as [string, { read?: boolean; write?: boolean }][];
  if (entries.length === 0) return 'master only';
  return entries.map(([who, p]) => `${who === '*' ? 'public' : who}:${p.read ? 'r' : ''}${p.write ? 'w' : ''}`).join(' ');
}

/** The text copied for a value (Ctrl/Cmd+C): like the cell, tabs and newlines flattened for TSV. */
export function copyText(value: unknown, field: FieldInfo): string {
  return formatValue(value, field).replace(/[\t\n\r]+/g, ' ');
}

/** A link target only when it is plainly http(s): a `javascript:` URL from data must never become a link. */
export function safeUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
