export { loadCustomSchema, parseCustomSchema } from './load.ts';
export { mergeCustomSchema, type MergeOptions } from './merge.ts';
export { refuseCustomSchemaClashes } from './refuse-clashes.ts';
export type { CustomSchema, SdlPlace } from './types.ts';
