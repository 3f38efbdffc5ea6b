import type { RestRoute } from '../router.ts';

/** Placeholder until this area's endpoints land. */
export const configRoutes: RestRoute[] = [];
