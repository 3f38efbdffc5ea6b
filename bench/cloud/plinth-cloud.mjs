// Plinth's cloud file for the cloud scenario (PLINTH_CLOUD): the same function and no-op triggers
// as parse-cloud.js. HookedPost gets a no-op beforeSave, afterSave, beforeFind and afterFind;
// PlainPost, its identical twin, gets none: the difference between the two is the triggers' cost.
export default (cloud) => {
  cloud.define('ping', () => 'pong');
  cloud.beforeSave('HookedPost', () => {});
  cloud.afterSave('HookedPost', () => {});
  cloud.beforeFind('HookedPost', () => {});
  cloud.afterFind('HookedPost', () => {});
};
