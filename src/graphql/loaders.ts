import DataLoader from 'dataloader';
import type { Auth } from '../security/index.ts';
import type { Core, FindRequest, FindResult, ParseObject } from '../core/index.ts';

/**
 * The DataLoaders of one request. A loader is keyed by what it reads (class and fields, or
 * relation, arguments and fields), so all parents that need the same thing share one batch:
 * one SQL query per class and nesting level, whatever the number of rows.
 */
export class Loaders {
  private readonly objects = new Map<string, DataLoader<string, ParseObject | null>>();
  private readonly relations = new Map<string, DataLoader<string, FindResult>>();

  constructor(
    private readonly core: Core,
    private readonly auth: Auth,
  ) {}

  /** Loads objects of a class by id; null for missing or unreadable ones. */
  object(className: string, fields: readonly string[]): DataLoader<string, ParseObject | null> {
    const key = className + '\0' + fields.join(',');
    let loader = this.objects.get(key);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const found = await this.core.getMany(this.auth, className, [...new Set(ids)], fields);
        return ids.map((id) => found.get(id) ?? null);
      });
      this.objects.set(key, loader);
    }
    return loader;
  }

  /** Loads a page of a relation per owner, all owners in one query. */
  related(ownerClass: string, field: string, argsKey: string, req: FindRequest): DataLoader<string, FindResult> {
    const key = `${ownerClass}\0${field}\0${argsKey}\0${req.fields.join(',')}\0${req.wantObjects}${req.wantCount}${req.wantHasNext}`;
    let loader = this.relations.get(key);
    if (!loader) {
      loader = new DataLoader(async (ownerIds) => {
        const results = await this.core.findRelated(this.auth, ownerClass, field, [...new Set(ownerIds)], req);
        return ownerIds.map((id) => results.get(id)!);
      });
      this.relations.set(key, loader);
    }
    return loader;
  }
}
