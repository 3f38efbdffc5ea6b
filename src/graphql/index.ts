export { buildGraphQLSchema } from './build-schema.ts';
export { refuseCollisions, exposedClasses } from './collisions.ts';
export { Loaders } from './loaders.ts';
export type { GraphQLContext } from './context.ts';
export * as inflection from './inflection.ts';
