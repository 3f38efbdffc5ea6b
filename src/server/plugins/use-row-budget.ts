import type { DocumentNode, GraphQLSchema } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors/index.ts';
import { MAX_PLAN_STEPS, estimateRows, planRows, type PageSizes, type RowPlan } from './row-estimate.ts';
import { useOperationGuard } from './operation-guard.ts';

export interface RowBudget extends PageSizes {
  /** PLINTH_MAX_ROWS_PER_REQUEST: the rows one operation may ask for; 0: no budget. */
  maxRows: number;
}

function refused(message: string) {
  return createGraphQLError(message, { extensions: { code: ErrorCode.INVALID_QUERY, http: { status: 400 } } });
}

/**
 * A budget of rows per operation for callers without the master key (PLINTH_MAX_ROWS_PER_REQUEST):
 * before anything runs — no SQL — the rows the operation can read are estimated from its pages
 * (plugins/row-estimate.ts: each page's `first`/`last`, or the default page, times the pages
 * above it, summed over aliases and fragments, with the request's variables), and an operation
 * over the budget is refused with 102, HTTP 400, naming both numbers. Without it, the alias cap
 * times the page cap (500 × 1000) let one request read half a million rows. A subscription's
 * selection is checked once, when it starts (each event reads it again). Over HTTP (Yoga, the
 * direct lane) and graphql-ws alike. Plans are kept per schema version and document.
 */
export function useRowBudget(budget: RowBudget): Plugin {
  if (!budget.maxRows) return {};
  const plans = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, RowPlan>>>();
  const planOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): RowPlan => {
    let bySchema = plans.get(schema);
    if (!bySchema) plans.set(schema, (bySchema = new WeakMap()));
    let byOperation = bySchema.get(document);
    if (!byOperation) bySchema.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let plan = byOperation.get(key);
    if (!plan) byOperation.set(key, (plan = planRows(schema, document, operationName, budget)));
    return plan;
  };
  return useOperationGuard((args, context) => {
    if (context.auth?.isMaster) return undefined;
    const plan = planOf(args.schema, args.document, args.operationName);
    if (plan.tooLarge) return refused(`This request selects too many fields (more than ${MAX_PLAN_STEPS} with its fragments expanded).`);
    const rows = estimateRows(plan, args.variableValues, budget);
    if (rows <= budget.maxRows) return undefined;
    return refused(
      `This request could read up to ${rows} rows, more than the ${budget.maxRows} one request may read: ` +
        'ask for smaller pages (first, last) or split it into several requests.',
    );
  });
}
