import { formatValue, safeUrl } from './format.ts';
import type { FieldInfo, Obj } from './types.ts';

/**
 * One cell's value, as text nodes only (data is hostile: no HTML is ever built from it).
 * Pointers link to their object, relations open their view, files link to http(s) URLs only.
 */
export function CellView({
  obj,
  field,
  onOpenPointer,
  onOpenRelation,
}: {
  obj: Obj;
  field: FieldInfo;
  onOpenPointer: (className: string, objectId: string) => void;
  onOpenRelation: () => void;
}) {
  const value = obj[field.name];
  if (field.type === 'Relation')
    return (
      <button type="button" class="cell-link" onClick={onOpenRelation} data-testid={`relation-${obj.objectId}-${field.name}`}>
        {`View ${field.targetClass ?? ''}`}
      </button>
    );
  if (value === undefined || value === null) return <span class="cell-empty">{value === null ? 'null' : ''}</span>;
  const v = value as Record<string, unknown>;
  if (field.type === 'Pointer' && v.__type === 'Pointer' && typeof v.objectId === 'string') {
    const target = typeof v.className === 'string' ? v.className : (field.targetClass ?? '');
    return (
      <button
        type="button"
        class="cell-link"
        title={`Open ${target} ${v.objectId}`}
        onClick={() => onOpenPointer(target, v.objectId as string)}
        data-testid={`pointer-${obj.objectId}-${field.name}`}
      >
        {v.objectId}
      </button>
    );
  }
  if (field.type === 'File' && v.__type === 'File') {
    const href = safeUrl(v.url);
    const name = String(v.name ?? '');
    return href ? (
      <a class="cell-link" href={href} target="_blank" rel="noopener noreferrer">
        {name}
      </a>
    ) : (
      <span>{name}</span>
    );
  }
  if (field.type === 'Boolean') return <span class={value ? 'cell-true' : 'cell-false'}>{String(value)}</span>;
  return <span class={field.type === 'Number' ? 'cell-num' : undefined}>{formatValue(value, field)}</span>;
}
