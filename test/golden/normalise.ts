/**
 * Makes a recording deterministic: objectIds, global ids, dates and cursors become stable
 * placeholders, in SQL parameters, SQL text and responses alike.
 *
 * - an objectId the fixture created → `<label>` (the fixture's name for it, e.g. `<post07>`);
 *   any other known objectId (created by the operation) → `<new1>`, `<new2>`… in order of first
 *   appearance;
 * - a global id → `<Class:label>`;
 * - an ISO date → `<date>` (one placeholder for all: objects created in the same millisecond
 *   must not make a snapshot flaky);
 * - a cursor → `<offset N>` for Parse's offset cursors, `<keyset N sig [values]>` for ours, with
 *   the values normalised.
 */
export class Normaliser {
  private readonly fresh = new Map<string, string>();

  /**
   * @param labels objectId → name, for the objects of the fixture
   * @param otherIds every other objectId that may appear (objects the operation created)
   */
  constructor(
    private readonly labels: ReadonlyMap<string, string>,
    private readonly otherIds: ReadonlySet<string> = new Set(),
  ) {}

  /** The placeholder of an objectId, or undefined when the string is not a known objectId. */
  private id(s: string): string | undefined {
    const label = this.labels.get(s);
    if (label) return `<${label}>`;
    if (!this.otherIds.has(s)) return undefined;
    let name = this.fresh.get(s);
    if (!name) this.fresh.set(s, (name = `<new${this.fresh.size + 1}>`));
    return name;
  }

  /** A string value (parameter or response leaf). */
  string(s: string): string {
    const id = this.id(s);
    if (id) return id;
    if (ISO_DATE.test(s)) return '<date>';
    const decoded = base64Text(s);
    if (decoded !== undefined) {
      const global = /^([A-Za-z_][A-Za-z0-9_]*):(.+)$/s.exec(decoded);
      if (global) {
        const inner = this.id(global[2]);
        if (inner) return `<${global[1]}:${inner.slice(1, -1)}>`;
      }
      const offset = /^arrayconnection:(\d+)$/.exec(decoded);
      if (offset) return `<offset ${offset[1]}>`;
      if (decoded.startsWith('plinth:k:')) {
        try {
          const [at, signature, values] = JSON.parse(decoded.slice('plinth:k:'.length)) as [number, string, unknown[]];
          return `<keyset ${at} ${signature} [${values.map((v) => (typeof v === 'string' ? this.string(v) : JSON.stringify(this.value(v)))).join(', ')}]>`;
        } catch {
          return s;
        }
      }
    }
    return s;
  }

  /** Any JSON-like value, deeply. */
  value(v: unknown): unknown {
    if (typeof v === 'string') return this.string(v);
    if (v instanceof Date) return '<date>';
    if (typeof v === 'bigint') return Number(v);
    if (Array.isArray(v)) return v.map((e) => this.value(e));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v)) out[k] = this.value(e);
      return out;
    }
    return v;
  }

  /** SQL text: objectIds inlined as literals would be replaced too (none are expected). */
  sql(text: string): string {
    return text.replace(/'([A-Za-z0-9]{10})'/g, (whole, id: string) => {
      const name = this.id(id);
      return name ? `'${name}'` : whole;
    });
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)$/;

/** The UTF-8 text of a base64 string, when it plausibly is one (printable text only). */
function base64Text(s: string): string | undefined {
  if (s.length < 8 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}
