import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { secretEquals } from '../../auth/index.ts';
import type { GraphQLContext } from '../../graphql/index.ts';
import type { OperationKind, PlinthMetrics } from '../metrics/metrics.ts';
import { maskError } from './mask-error.ts';

export const METRICS_PATH = '/metrics';

export interface MetricsOptions {
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

function kindOf(document: DocumentNode | undefined, operationName?: string | null): OperationKind {
  return (document && getOperationAST(document, operationName)?.operation) || 'unknown';
}

/** An error's code as clients see it: what the boundary's masking gives it (never logged from here). */
const masked = maskError();
function codeOf(error: unknown, fallback = 'unknown'): string {
  const code = (masked(error) as { extensions?: Record<string, unknown> }).extensions?.code;
  return typeof code === 'number' || typeof code === 'string' ? String(code) : fallback;
}

/**
 * Prometheus metrics (PLINTH_METRICS): serves `GET /metrics` — before credentials are checked,
 * since a scraper has no app id; with a token configured it answers 401 without the right
 * `Authorization: Bearer` — and counts every operation over HTTP, server-sent events and
 * graphql-ws alike (these are envelop hooks, which graphql-ws operations run through too):
 * operations and their durations by kind, errors by code (documents refused by parsing or
 * validation included), and the subscriptions open per transport.
 */
export function useMetrics(metrics: PlinthMetrics, options: MetricsOptions = {}): Plugin {
  const countErrors = (operation: OperationKind, errors: ExecutionResult['errors']) => {
    for (const error of errors ?? []) metrics.errorSeen(operation, codeOf(error));
  };
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== METRICS_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return endResponse(json(405, { error: 'method not allowed' }, { allow: 'GET, HEAD' }));
      if (options.token) {
        const [scheme, given] = (request.headers.get('authorization') ?? '').split(' ');
        if (scheme?.toLowerCase() !== 'bearer' || !given || !secretEquals(given, options.token)) {
          return endResponse(json(401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="metrics"' }));
        }
      }
      return metrics
        .render()
        .then(({ text, contentType }) => endResponse(new Response(request.method === 'HEAD' ? null : text, { headers: { 'content-type': contentType } })));
    },
    onParse() {
      return ({ result }) => {
        if (result instanceof Error) metrics.errorSeen('unknown', codeOf(result, 'GRAPHQL_PARSE_FAILED'));
      };
    },
    onValidate({ params }) {
      return ({ result }) => {
        if (!result.length) return;
        const operation = kindOf(params.documentAST);
        for (const error of result) metrics.errorSeen(operation, codeOf(error, 'GRAPHQL_VALIDATION_FAILED'));
      };
    },
    onExecute({ args }) {
      const started = performance.now();
      const operation = kindOf(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          metrics.operationDone(operation, (performance.now() - started) / 1000);
          if (isAsyncIterable(result)) return { onNext: ({ result: part }) => countErrors(operation, part.errors) };
          countErrors(operation, result.errors);
          return undefined;
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const transport = (args.contextValue as unknown as GraphQLContext).transport === 'ws' ? 'ws' : 'sse';
      return {
        onSubscribeError({ error }) {
          metrics.errorSeen('subscription', codeOf(error));
        },
        onSubscribeResult({ result }) {
          metrics.operationDone('subscription', (performance.now() - started) / 1000);
          if (!isAsyncIterable(result)) {
            countErrors('subscription', result.errors);
            return undefined;
          }
          const ended = metrics.subscriptionOpened(transport);
          return { onNext: ({ result: event }) => countErrors('subscription', event.errors), onEnd: ended };
        },
      };
    },
  };
}
