import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { poolUseOf, type Database } from '../../db/index.ts';
import type { CloudStats } from '../../cloud/stats.ts';
import { cloudLabels } from './cloud-labels.ts';

/** The kind of a GraphQL operation; `unknown` when the document did not say (it failed to parse). */
export type OperationKind = 'query' | 'mutation' | 'subscription' | 'unknown';

/** How long-lived subscriptions reach this instance. */
export type LiveTransport = 'ws' | 'sse';

/** What the metrics read when they are scraped: the state of the instance at that moment. */
export interface MetricSources {
  db: Database;
  /** The catalog version and the number of classes served. */
  schema: () => { version: string; classes: number };
  /** Functions, triggers and jobs registered by the cloud code in force. */
  cloudRegistered: () => { function: number; trigger: number; job: number };
  /** Every function, trigger and job run is recorded here. */
  cloudStats: CloudStats;
  /** Whether the pub/sub reaches Redis; absent when no Redis is configured. */
  redisConnected?: () => boolean;
}

/**
 * The Prometheus metrics of one Plinth instance, in a registry of its own (several servers in
 * one process never mix). Counters and histograms are updated as work happens (use-metrics.ts,
 * the cloud statistics); gauges read the instance's state when scraped, so an idle server costs
 * nothing between scrapes.
 */
export class PlinthMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation'>;
  private readonly duration: Histogram<'operation'>;
  private readonly errors: Counter<'operation' | 'code'>;
  private readonly cloudDuration: Histogram<'type' | 'name'>;
  private readonly cloudErrors: Counter<'type' | 'name'>;
  private readonly subscriptions = { ws: 0, sse: 0 };
  private wsConnections = () => 0;
  private readonly stopObserving: () => void;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    // Process CPU, memory, event loop lag, GC: what every Node service dashboard expects.
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'plinth_graphql_requests_total', help: 'GraphQL operations executed, by kind', labelNames: ['operation'], registers });
    this.duration = new Histogram({
      name: 'plinth_graphql_request_duration_seconds',
      help: 'Time from the start of execution to the result (subscriptions: to the start of the stream), by kind',
      labelNames: ['operation'],
      registers,
    });
    this.errors = new Counter({
      name: 'plinth_graphql_errors_total',
      help: 'Errors in GraphQL results, by operation kind and error code (Parse numeric codes, or GraphQL request codes)',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.cloudDuration = new Histogram({
      name: 'plinth_cloud_duration_seconds',
      help: 'Cloud code runs (count) and their durations, by type and name',
      labelNames: ['type', 'name'],
      registers,
    });
    this.cloudErrors = new Counter({
      name: 'plinth_cloud_errors_total',
      help: 'Cloud code runs that threw or timed out, by type and name',
      labelNames: ['type', 'name'],
      registers,
    });
    this.stopObserving = sources.cloudStats.observe((key, ms, failed) => {
      const labels = cloudLabels(key);
      this.cloudDuration.observe(labels, ms / 1000);
      if (failed) this.cloudErrors.inc(labels);
    });
    this.stateGauges(sources);
  }

  /** Gauges read at scrape time. */
  private stateGauges(sources: MetricSources): void {
    const registers = [this.registry];
    const subscriptions = this.subscriptions;
    const wsConnections = () => this.wsConnections();
    new Gauge({
      name: 'plinth_db_pool_connections',
      help: 'PostgreSQL pool connections, by state (busy, idle, max); absent on embedded PGlite',
      labelNames: ['state'],
      registers,
      collect() {
        const use = poolUseOf(sources.db);
        if (!use) return;
        this.set({ state: 'busy' }, use.total - use.idle);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'max' }, use.max);
      },
    });
    new Gauge({
      name: 'plinth_db_pool_waiting',
      help: 'Queries waiting for a PostgreSQL pool connection; absent on embedded PGlite',
      registers,
      collect() {
        const use = poolUseOf(sources.db);
        if (use) this.set(use.waiting);
      },
    });
    new Gauge({
      name: 'plinth_live_connections',
      help: 'Open live-query connections, by transport (a server-sent events stream is one subscription)',
      labelNames: ['transport'],
      registers,
      collect() {
        this.set({ transport: 'ws' }, wsConnections());
        this.set({ transport: 'sse' }, subscriptions.sse);
      },
    });
    new Gauge({
      name: 'plinth_live_subscriptions',
      help: 'Active subscriptions, by transport',
      labelNames: ['transport'],
      registers,
      collect() {
        this.set({ transport: 'ws' }, subscriptions.ws);
        this.set({ transport: 'sse' }, subscriptions.sse);
      },
    });
    new Gauge({
      name: 'plinth_schema_version',
      help: 'The catalog version served (it grows with every class change)',
      registers,
      collect() {
        this.set(Number(sources.schema().version) || 0);
      },
    });
    new Gauge({
      name: 'plinth_schema_classes',
      help: 'Classes in the catalog served',
      registers,
      collect() {
        this.set(sources.schema().classes);
      },
    });
    new Gauge({
      name: 'plinth_cloud_registered',
      help: 'Cloud functions, triggers and jobs registered, by type',
      labelNames: ['type'],
      registers,
      collect() {
        for (const [type, n] of Object.entries(sources.cloudRegistered())) this.set({ type }, n);
      },
    });
    if (sources.redisConnected) {
      const connected = sources.redisConnected;
      new Gauge({
        name: 'plinth_redis_connected',
        help: '1 while the pub/sub reaches Redis, 0 while it does not',
        registers,
        collect() {
          this.set(connected() ? 1 : 0);
        },
      });
    }
  }

  /** An operation finished (or its subscription stream started): counted and timed. */
  operationDone(operation: OperationKind, seconds: number): void {
    this.requests.inc({ operation });
    this.duration.observe({ operation }, seconds);
  }

  /** An error in a result (or a document refused before execution), by its code. */
  errorSeen(operation: OperationKind, code: string): void {
    this.errors.inc({ operation, code });
  }

  /** A subscription stream started; the function returned is called when it ends. */
  subscriptionOpened(transport: LiveTransport): () => void {
    this.subscriptions[transport]++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.subscriptions[transport]--;
    };
  }

  /** Tells the metrics how many WebSocket connections the server holds (once it listens). */
  countConnections(count: () => number): void {
    this.wsConnections = count;
  }

  /** The exposition text (Prometheus's text format) and its content type. */
  async render(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  /** Stops hearing cloud code runs (the server is closing). */
  close(): void {
    this.stopObserving();
  }
}
