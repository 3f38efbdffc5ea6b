import DataLoader from 'dataloader';
import type { Auth } from '../security/index.ts';
import type { Core, FindRequest, FindResult, ParseObject } from '../core/index.ts';

interface ObjectKey {
  id: string;
  fields: readonly string[];
  fieldsKey: string;
}

/**
 * The DataLoaders of one request (never shared across requests or callers). Objects are
 * loaded through one loader per class: every load in the same tick — whatever field it came
 * from and whatever sub-fields it selects — joins one batch, read with the union of the
 * selected fields. So a list of any length costs one query per class and nesting level.
 * Relation pages are batched per relation and arguments (see Core.findRelated).
 */
export class Loaders {
  private readonly objects = new Map<string, DataLoader<ObjectKey, ParseObject | null, string>>();
  private readonly relations = new Map<string, DataLoader<string, FindResult>>();

  constructor(
    private readonly core: Core,
    private readonly auth: Auth,
  ) {}

  /** A loader of objects of a class by id with (at least) the given fields; null for missing or unreadable ones. */
  object(className: string, fields: readonly string[]): { load(id: string): Promise<ParseObject | null> } {
    const loader = this.classLoader(className);
    const fieldsKey = fields.join(',');
    return { load: (id) => loader.load({ id, fields, fieldsKey }) };
  }

  private classLoader(className: string): DataLoader<ObjectKey, ParseObject | null, string> {
    let loader = this.objects.get(className);
    if (!loader) {
      loader = new DataLoader<ObjectKey, ParseObject | null, string>(
        async (keys) => {
          const ids = new Set<string>();
          const fields = new Set<string>();
          for (const k of keys) {
            ids.add(k.id);
            for (const f of k.fields) fields.add(f);
          }
          const found = await this.core.getMany(this.auth, className, [...ids], [...fields]);
          return keys.map((k) => found.get(k.id) ?? null);
        },
        { cacheKeyFn: (k) => k.id + '\0' + k.fieldsKey },
      );
      this.objects.set(className, loader);
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
