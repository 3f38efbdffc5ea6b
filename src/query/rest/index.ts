export { conditionToRest } from './to-rest.ts';
export { restKey, restValue, type RestWhere } from './values.ts';
