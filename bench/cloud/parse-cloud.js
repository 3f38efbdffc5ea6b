// Parse Server's cloud file for the cloud scenario (parse-start.mjs loads it; Parse sets the global
// Parse.Cloud first): the same function and no-op triggers as plinth-cloud.mjs. HookedPost gets a
// no-op beforeSave, afterSave, beforeFind and afterFind; PlainPost, its identical twin, gets none.
/* global Parse */
Parse.Cloud.define('ping', () => 'pong');
Parse.Cloud.beforeSave('HookedPost', () => {});
Parse.Cloud.afterSave('HookedPost', () => {});
Parse.Cloud.beforeFind('HookedPost', () => {});
Parse.Cloud.afterFind('HookedPost', () => {});
