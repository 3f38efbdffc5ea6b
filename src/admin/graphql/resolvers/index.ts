import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { errors } from '../../../errors/index.ts';
import type { AdminContext } from '../context.ts';
import { requireClass, requireDataFeature } from '../context.ts';
import { previewImport, importObjects } from '../../import/index.ts';
import { writeInputOf } from '../codec.ts';
import * as data from './objects.ts';
import * as writes from './writes.ts';
import * as schema from './schema.ts';
import * as account from './account.ts';
import { cloud, files, push, trail } from './screens.ts';
import { objectEvents } from './events.ts';

/** Any JSON value, as literal or variable. */
const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: function literal(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return node.values.map((n) => literal(n, variables));
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value, variables)]));
      case Kind.VARIABLE:
        return variables?.[node.name.value];
      default:
        throw errors.invalidJson('Not a JSON value');
    }
  },
});

type Args = Record<string, any>;
type Resolver = (root: unknown, args: Args, c: AdminContext) => unknown;
const r =
  (fn: (c: AdminContext, a: Args) => unknown): Resolver =>
  (_root, args, c) =>
    fn(c, args);

const views = (c: AdminContext) => c.views;

export const resolvers = {
  JSON: JSONScalar,
  Query: {
    me: r((c) => account.me(c)),
    classes: r((c) => schema.classes(c)),
    count: r((c, a) => data.count(c, a.className, a.where)),
    objects: r((c, a) => data.objects(c, a.className, a as data.PageArgs)),
    object: r((c, a) => data.object(c, a.className, a.objectId)),
    related: r((c, a) => data.related(c, a as Parameters<typeof data.related>[1])),
    views: r((c, a) => {
      requireDataFeature(c, a.className);
      return views(c).list(c.principal.user.id, a.className);
    }),
    adminUsers: r((c) => account.adminUsers.list(c)),
    audit: r((c, a) => trail.audit(c, a)),
    logs: r((c, a) => trail.logs(c, a)),
    sessionsOf: r((c, a) => account.sessionsOf(c, a.userId)),
    cloudCode: r((c) => cloud.cloudCode(c)),
    jobRuns: r((c, a) => cloud.jobRuns(c, a.first)),
    files: r((c, a) => files.list(c, a.first, a.after)),
    pushStatuses: r((c, a) => push.statuses(c, a.first)),
  },
  Mutation: {
    createObject: r((c, a) => writes.createObject(c, a.className, a.fields)),
    updateObject: r((c, a) => writes.updateObject(c, a.className, a.objectId, a.fields)),
    deleteObjects: r((c, a) => writes.deleteObjects(c, a.className, a.objectIds)),
    cloneObject: r((c, a) => writes.cloneObject(c, a.className, a.objectId)),
    addRelation: r((c, a) => writes.changeRelation(c, a as Parameters<typeof writes.changeRelation>[1], 'add')),
    removeRelation: r((c, a) => writes.changeRelation(c, a as Parameters<typeof writes.changeRelation>[1], 'remove')),
    createClass: r((c, a) => schema.createClass(c, a as Parameters<typeof schema.createClass>[1])),
    updateClass: r((c, a) => schema.updateClass(c, a as Parameters<typeof schema.updateClass>[1])),
    deleteClass: r((c, a) => schema.deleteClass(c, a.className)),
    saveView: r((c, a) => {
      requireDataFeature(c, a.className);
      if (typeof a.name !== 'string' || a.name.trim() === '' || a.name.length > 200) throw errors.invalidQuery('A view needs a name (at most 200 characters).');
      return views(c).save(c.principal.user.id, a.className, a.name, a.state);
    }),
    deleteView: r((c, a) => views(c).delete(c.principal.user.id, a.id)),
    createAdminUser: r((c, a) => account.adminUsers.create(c, a as Parameters<typeof account.adminUsers.create>[1])),
    updateAdminUser: r((c, a) => account.adminUsers.update(c, a as Parameters<typeof account.adminUsers.update>[1])),
    deleteAdminUser: r((c, a) => account.adminUsers.delete(c, a.id)),
    browseAs: r((c, a) => account.browseAs(c, a.userId ?? null)),
    revokeSession: r((c, a) => account.revokeSession(c, a.sessionId)),
    runFunction: r((c, a) => cloud.runFunction(c, a.name, a.params)),
    runJob: r((c, a) => cloud.runJob(c, a.name, a.params)),
    sendPush: r((c, a) => push.send(c, a.input)),
    deleteFile: r((c, a) => files.delete(c, a.name)),
    previewImport: r((c, a) => {
      requireDataFeature(c, a.className);
      return previewImport(requireClass(c, a.className), a.format, a.text);
    }),
    importObjects: r(async (c, a) => {
      requireDataFeature(c, a.className);
      const cls = requireClass(c, a.className);
      const decode = (fields: Record<string, unknown>) => writeInputOf(cls, fields, c.env);
      return importObjects({ core: c.deps.core, env: c.env, decode }, await c.dataAuth(), cls, a.format, a.text);
    }),
  },
  Subscription: { objectEvents },
};
