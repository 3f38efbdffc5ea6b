import type { RestRoute } from '../router.ts';
import { classesRoutes } from './classes.ts';
import { usersRoutes } from './users.ts';
import { sessionsRoutes } from './sessions.ts';
import { filesRoutes } from './files.ts';
import { functionsRoutes } from './functions.ts';
import { pushRoutes } from './push.ts';
import { configRoutes } from './config.ts';
import { serverRoutes } from './server.ts';
import { schemasRoutes } from './schemas.ts';
import { aggregateRoutes } from './aggregate.ts';
import { batchRoutes } from './batch.ts';

/** Every endpoint of the REST API. Literal paths come before parameter paths of the same shape (`users/me` before `users/:objectId`). */
export const REST_ROUTES: RestRoute[] = [
  ...usersRoutes,
  ...sessionsRoutes,
  ...filesRoutes,
  ...functionsRoutes,
  ...pushRoutes,
  ...configRoutes,
  ...serverRoutes,
  ...schemasRoutes,
  ...aggregateRoutes,
  ...batchRoutes,
  ...classesRoutes,
];
