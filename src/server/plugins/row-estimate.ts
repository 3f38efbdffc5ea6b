import {
  Kind,
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldMap,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** The page sizes of finds (core's paging: query/paging.ts `planPage`), from the server's configuration. */
export interface PageSizes {
  /** PLINTH_DEFAULT_LIMIT: the page when neither `first` nor `last` is given. */
  defaultLimit: number;
  /** PLINTH_MAX_LIMIT: the cap of every page. */
  maxLimit: number;
}

/** Where a page argument's value comes from: the document (a number, or null when absent), or a variable. */
type ArgValue = number | null | { variable: string };

/** A field that reads a page of rows, and the paging fields under it (read once per row of it). */
interface PageTerm {
  first: ArgValue;
  last: ArgValue;
  /** False for a connection of which only `count` is selected: it runs a count, not a read. */
  readsRows: boolean;
  children: PageTerm[];
}

/**
 * What an operation asks of the database, worked out once per (schema, document, operation):
 * its paging fields, with the values their page arguments come from; the number itself when
 * none comes from a variable; or `tooLarge`, a document whose selection (fragments expanded)
 * has more fields than any screen asks for.
 */
export interface RowPlan {
  terms: PageTerm[];
  /** Declared defaults of the operation's variables (a number or null), for variables not sent. */
  defaults: Map<string, number | null>;
  fixed?: number;
  tooLarge?: true;
}

/**
 * Selections and merged fields a plan may walk, fragments expanded: far above real documents
 * (500 aliases of 30 fields each take 30,000), a bound on fragment bombs, whose expansion grows
 * exponentially with their depth.
 */
export const MAX_PLAN_STEPS = 100_000;

/** Arguments that make a field a page: Relay's `first`/`last`, and Parse's `limit`. */
const PAGE_ARGS = ['first', 'last', 'limit'];

/**
 * Plans the row estimate of the operation `operationName` of a validated document (see
 * `estimateRows`). Fields are merged by response key as execution merges them (so a field that
 * fragments select twice counts once); fields of abstract types count for every type condition
 * (an upper bound). Fields of the custom schema resolved by cloud code (`@resolve`) or mocked
 * (`@mock`) return what the function returns, not pages: they are not counted. `@skip`/`@include`
 * with a literal condition are honoured; with a variable, the field counts.
 */
export function planRows(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, sizes: PageSizes): RowPlan {
  const operation = getOperationAST(document, operationName);
  const defaults = new Map<string, number | null>();
  if (!operation) return { terms: [], defaults, fixed: 0 };
  for (const v of operation.variableDefinitions ?? []) {
    const value = v.defaultValue && literal(v.defaultValue);
    if (typeof value === 'number' || value === null) defaults.set(v.variable.name.value, value);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return { terms: [], defaults, fixed: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const planner = new Planner(schema, fragments);
  let terms: PageTerm[];
  try {
    terms = planner.terms(planner.collect(root, [operation.selectionSet]));
  } catch (error) {
    if (error === TOO_LARGE) return { terms: [], defaults, tooLarge: true };
    throw error;
  }
  const plan: RowPlan = { terms, defaults };
  if (!planner.usesVariables) plan.fixed = rowsOf(terms, plan, undefined, sizes);
  return plan;
}

/**
 * The most rows an operation can read, given its variables: each page counts its size — its
 * `first`/`limit` and `last` as core's paging reads them, else the default page, capped by the
 * maximum — times the rows of the pages above it; aliases and fragments included. A value that
 * is not an integer (execution will refuse it) counts as the largest page.
 */
export function estimateRows(plan: RowPlan, variables: Readonly<Record<string, unknown>> | null | undefined, sizes: PageSizes): number {
  if (plan.tooLarge) return Number.POSITIVE_INFINITY;
  return plan.fixed ?? rowsOf(plan.terms, plan, variables ?? {}, sizes);
}

function rowsOf(terms: readonly PageTerm[], plan: RowPlan, variables: Readonly<Record<string, unknown>> | undefined, sizes: PageSizes): number {
  let total = 0;
  for (const term of terms) {
    const size = pageSize(argValue(term.first, plan, variables, sizes), argValue(term.last, plan, variables, sizes), sizes);
    if (size > 0) total += size * ((term.readsRows ? 1 : 0) + rowsOf(term.children, plan, variables, sizes));
  }
  return total;
}

/** A page's size as `planPage` makes it: `first` limits, `last` takes the tail of that, the default without either; capped. */
export function pageSize(first: number | null, last: number | null, sizes: PageSizes): number {
  let limit = first;
  if (last !== null) limit = limit === null ? last : Math.min(limit, last);
  // A negative value is refused (102) before anything is read.
  return Math.max(0, Math.min(limit ?? sizes.defaultLimit, sizes.maxLimit));
}

function argValue(arg: ArgValue, plan: RowPlan, variables: Readonly<Record<string, unknown>> | undefined, sizes: PageSizes): number | null {
  if (arg === null || typeof arg === 'number') return arg;
  const name = arg.variable;
  const raw = variables && Object.hasOwn(variables, name) ? variables[name] : plan.defaults.get(name);
  if (raw === undefined || raw === null) return null;
  return typeof raw === 'number' && Number.isInteger(raw) ? raw : sizes.maxLimit;
}

/** A literal argument: an integer, null, or undefined for anything else (a mistyped value fails validation). */
function literal(value: ValueNode): number | null | undefined {
  if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
  if (value.kind === Kind.NULL) return null;
  return undefined;
}

const TOO_LARGE = Symbol('too large');

/** The fields that share a response key on one type, as execution merges them. */
interface Group {
  field: GraphQLField<unknown, unknown>;
  nodes: FieldNode[];
}

class Planner {
  usesVariables = false;
  private steps = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  /**
   * The fields of `sets` selected on `type`, merged by response key (per type condition, as
   * graphql-js's collectFields does, each named fragment once).
   */
  collect(type: GraphQLNamedType, sets: readonly SelectionSetNode[], groups = new Map<string, Group>(), spread = new Set<string>()): Map<string, Group> {
    for (const set of sets) {
      for (const selection of set.selections) {
        this.tick();
        if (!included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          const field = fieldsOf(type)?.[name];
          if (!field) continue; // __typename and the introspection fields read no rows
          const key = `${type.name}.${selection.alias?.value ?? name}`;
          const group = groups.get(key);
          if (group) group.nodes.push(selection);
          else groups.set(key, { field, nodes: [selection] });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const on = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type;
          if (on) this.collect(on, [selection.selectionSet], groups, spread);
        } else if (!spread.has(selection.name.value)) {
          spread.add(selection.name.value);
          const fragment = this.fragments.get(selection.name.value);
          const on = fragment && this.schema.getType(fragment.typeCondition.name.value);
          if (fragment && on) this.collect(on, [fragment.selectionSet], groups, spread);
        }
      }
    }
    return groups;
  }

  /** The paging fields among `groups` and below them; the pages under a field that does not page count as its parent's. */
  terms(groups: ReadonlyMap<string, Group>): PageTerm[] {
    const out: PageTerm[] = [];
    for (const { field, nodes } of groups.values()) {
      this.tick();
      const sets: SelectionSetNode[] = [];
      for (const n of nodes) if (n.selectionSet) sets.push(n.selectionSet);
      const page = isPage(field) ? this.pageArgs(nodes[0]!) : undefined;
      const below = sets.length ? this.collect(getNamedType(field.type), sets) : undefined;
      const children = below ? this.terms(below) : [];
      if (page) out.push({ ...page, readsRows: readsRows(field, below), children });
      else for (const child of children) out.push(child);
    }
    return out;
  }

  /** Counts the planner's steps: a document that takes more (a fragment bomb) is too large to plan. */
  private tick(): void {
    if (++this.steps > MAX_PLAN_STEPS) throw TOO_LARGE;
  }

  private pageArgs(node: FieldNode): { first: ArgValue; last: ArgValue } {
    const arg = (name: string): ArgValue => {
      const value = node.arguments?.find((a) => a.name.value === name)?.value;
      if (!value) return null;
      if (value.kind === Kind.VARIABLE) {
        this.usesVariables = true;
        return { variable: value.name.value };
      }
      return literal(value) ?? null;
    };
    const first = arg('first');
    return { first: first === null ? arg('limit') : first, last: arg('last') };
  }
}

function fieldsOf(type: GraphQLNamedType): GraphQLFieldMap<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;
}

/**
 * A field that reads a page: it takes `first`, `last` or `limit` as an Int — the find queries,
 * relation fields and live result sets (graphql/generators/find-args.ts) — and is not a custom
 * field answered by cloud code or a mock (graphql/custom-schema: a list a function returns is
 * not a page).
 */
function isPage(field: GraphQLField<unknown, unknown>): boolean {
  if (field.astNode?.directives?.some((d) => d.name.value === 'resolve' || d.name.value === 'mock')) return false;
  return field.args.some((a) => PAGE_ARGS.includes(a.name) && getNamedType(a.type).name === 'Int');
}

/**
 * Whether a page's selection reads rows. A connection (`edges` and `count`) of which only
 * `count` is selected runs a count alone (API.md "Selection drives work"); anything else — edges,
 * pageInfo, a list's items — reads the page.
 */
function readsRows(field: GraphQLField<unknown, unknown>, selected: ReadonlyMap<string, Group> | undefined): boolean {
  const type = getNamedType(field.type);
  const fields = fieldsOf(type);
  if (!selected || !fields?.edges || !fields.count) return true;
  for (const { field: f } of selected.values()) if (f.name !== 'count') return true;
  return false;
}

/** `@skip(if: true)` and `@include(if: false)` leave a selection out; a variable condition keeps it (an upper bound). */
function included(selection: SelectionNode): boolean {
  for (const d of selection.directives ?? []) {
    const condition = conditionOf(d);
    if (condition === undefined) continue;
    if ((d.name.value === 'skip' && condition) || (d.name.value === 'include' && !condition)) return false;
  }
  return true;
}

function conditionOf(d: DirectiveNode): boolean | undefined {
  if (d.name.value !== 'skip' && d.name.value !== 'include') return undefined;
  const value = d.arguments?.find((a) => a.name.value === 'if')?.value;
  return value?.kind === Kind.BOOLEAN ? value.value : undefined;
}
