import type { ExecutionArgs, GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Auth } from '../../security/index.ts';

/** What a guard reads of the operation's context: the caller, its request and its transport. */
export interface GuardedContext {
  auth?: Auth;
  request?: Request;
  transport?: 'http' | 'ws';
}

/** Decides whether an operation may run: the error that refuses it, or undefined. */
export type OperationCheck = (args: ExecutionArgs, context: GuardedContext) => GraphQLError | undefined;

/**
 * Runs `check` once the operation, its caller (the context) and its variables are known and
 * before anything executes — on every transport: Yoga's HTTP requests, the direct lane
 * (server/direct-lane.ts) and graphql-ws (server/ws.ts) all execute through envelop. A refusal
 * is the operation's whole result (`{errors}`, no `data`): over HTTP the error's
 * `extensions.http.status` is the response's status; over graphql-ws, which has no status,
 * that extension is left out. Subscriptions are checked before their stream opens.
 */
export function useOperationGuard(check: OperationCheck): Plugin {
  const guard = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: { errors: GraphQLError[] }) => void }) => {
    const context = (args.contextValue ?? {}) as GuardedContext;
    const error = check(args, context);
    if (error) setResultAndStopExecution({ errors: [context.transport === 'ws' ? withoutHttp(error) : error] });
  };
  return { onExecute: guard, onSubscribe: guard } as Plugin;
}

function withoutHttp(error: GraphQLError): GraphQLError {
  const { http: _status, ...extensions } = error.extensions ?? {};
  return createGraphQLError(error.message, { extensions });
}
