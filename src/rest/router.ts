import type { RestDeps } from './deps.ts';
import type { RestRequest } from './request.ts';
import type { RestResult } from './respond.ts';

/** Path parameters by name (`:className` → `className`); no prototype, user-chosen values only. */
export type PathParams = Record<string, string>;

/** One endpoint: its answer, or a Response it makes itself (file downloads). */
export type RestHandler = (req: RestRequest, params: PathParams, deps: RestDeps) => Promise<RestResult | Response>;

export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Segments, `:name` for a parameter: `classes/:className/:objectId`. */
  path: string;
  handler: RestHandler;
  /** The body is the file's bytes (read from `req.raw`), not JSON. */
  rawBody?: boolean;
  /** Answered without credentials, as Parse does before its header checks (`health`, file downloads); `req.auth` is anonymous. */
  public?: boolean;
}

interface CompiledRoute extends RestRoute {
  parts: string[];
}

/** Matches a method and path against a route table, literal segments before parameters. */
export class RestRouter {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly RestRoute[]) {
    this.routes = routes.map((r) => ({ ...r, parts: r.path.split('/') }));
  }

  /** The route for a path whatever the method (for `rawBody`, before the body is read). */
  find(method: string, segments: readonly string[]): { route: RestRoute; params: PathParams } | undefined {
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== segments.length) continue;
      const params: PathParams = Object.create(null);
      let ok = true;
      for (let i = 0; i < route.parts.length && ok; i++) {
        const part = route.parts[i];
        if (part.startsWith(':')) params[part.slice(1)] = segments[i];
        else ok = part === segments[i];
      }
      if (ok) return { route, params };
    }
    return undefined;
  }

  /** Whether some route has this path (to tell 405-like misses from unknown paths). */
  knows(segments: readonly string[]): boolean {
    return ['GET', 'POST', 'PUT', 'DELETE'].some((m) => this.find(m, segments) !== undefined);
  }
}
