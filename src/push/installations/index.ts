export { registerInstallationRules } from './rules.ts';
export { installationErrors } from './errors.ts';
