/** The admin GraphQL operations the data browser sends. */

export const CLASSES = `query { classes { className writable classLevelPermissions indexes fields { name type targetClass required defaultValue } } }`;
export const COUNT = `query ($className: String!, $where: JSON) { count(className: $className, where: $where) }`;
export const OBJECTS = `query ($className: String!, $where: JSON, $order: [String!], $first: Int, $after: String) {
  objects(className: $className, where: $where, order: $order, first: $first, after: $after) { objects next } }`;
export const RELATED = `query ($className: String!, $objectId: ID!, $field: String!, $first: Int, $after: String) {
  related(className: $className, objectId: $objectId, field: $field, first: $first, after: $after) { objects next } }`;
export const CREATE = `mutation ($className: String!, $fields: JSON!) { createObject(className: $className, fields: $fields) }`;
export const UPDATE = `mutation ($className: String!, $objectId: ID!, $fields: JSON!) { updateObject(className: $className, objectId: $objectId, fields: $fields) }`;
export const DELETE = `mutation ($className: String!, $objectIds: [ID!]!) { deleteObjects(className: $className, objectIds: $objectIds) }`;
export const CLONE = `mutation ($className: String!, $objectId: ID!) { cloneObject(className: $className, objectId: $objectId) }`;
export const ADD_RELATION = `mutation ($className: String!, $objectId: ID!, $field: String!, $targetIds: [ID!]!) {
  addRelation(className: $className, objectId: $objectId, field: $field, targetIds: $targetIds) }`;
export const REMOVE_RELATION = `mutation ($className: String!, $objectId: ID!, $field: String!, $targetIds: [ID!]!) {
  removeRelation(className: $className, objectId: $objectId, field: $field, targetIds: $targetIds) }`;
export const VIEWS = `query ($className: String!) { views(className: $className) { id name state } }`;
export const SAVE_VIEW = `mutation ($className: String!, $name: String!, $state: JSON!) { saveView(className: $className, name: $name, state: $state) { id name state } }`;
export const DELETE_VIEW = `mutation ($id: ID!) { deleteView(id: $id) }`;
export const PREVIEW_IMPORT = `mutation ($className: String!, $format: String!, $text: String!) {
  previewImport(className: $className, format: $format, text: $text) { total sample fields errors } }`;
export const IMPORT = `mutation ($className: String!, $format: String!, $text: String!) {
  importObjects(className: $className, format: $format, text: $text) { created failed errors } }`;
export const OBJECT_EVENTS = `subscription ($className: String!, $where: JSON) { objectEvents(className: $className, where: $where) { kind object original } }`;
