export { CloudQueryImpl, type QueryInit, type QueryParts } from './cloud-query.ts';
