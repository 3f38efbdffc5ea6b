import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import type { GraphQLContext } from '../../graphql/index.ts';

/**
 * One log line per operation that ran cloud code, naming each function and trigger it ran with
 * its time — so "which trigger makes this query slow" is answered by the log. Operations that
 * ran none log nothing here.
 */
export function useCloudTrace(logger: Logger): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      return {
        onExecuteDone() {
          const request = (args.contextValue as unknown as GraphQLContext).auth?.request;
          if (!request?.trace?.length) return;
          const ms = Math.round((performance.now() - started) * 100) / 100;
          const cloud = request.trace.map((t) => `${t.name} ${t.ms}ms${t.error ? ' (failed)' : ''}`);
          // Clients rarely send operationName; the document's own name is what they recognise.
          const operation = args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value;
          logger.info({ operation, ms, cloud }, `request ran cloud code: ${cloud.join(', ')}`);
        },
      };
    },
  };
}
