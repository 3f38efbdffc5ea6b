import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import type { LiveEvent } from '../../src/live/index.ts';
import { createClass } from '../objects/helpers.ts';
import { clp, createRole, setClp } from '../security/helpers.ts';
import { settle, startLiveFixture, type LiveFixture, type LiveUser, type Probe } from './engine-fixture.ts';

/**
 * Security per subscriber, on every event: the object ACL (users, roles, inherited roles),
 * CLP pointer permissions (readUserFields), protected fields, the CLP at subscribe time and
 * while subscribed, and the subscriber's session.
 */
describe('live engine: security per subscriber', () => {
  let f: LiveFixture;
  const master = Auth.master();
  const anonymous = Auth.anonymous();
  let owner: LiveUser, stranger: LiveUser, memberP: LiveUser, memberC: LiveUser, hr: LiveUser;

  beforeAll(async () => {
    f = await startLiveFixture();
    await createClass(f.s, 'Doc', 'addStrings: [{ name: "title" }]');
    owner = await f.user('owner');
    stranger = await f.user('stranger');
    memberP = await f.user('memberP');
    memberC = await f.user('memberC');
    hr = await f.user('hr');
    // Child is in Parent's roles: a member of Child holds Parent too.
    const child = await createRole(f.s, 'Child', { users: [memberC.userId] });
    await createRole(f.s, 'Parent', { users: [memberP.userId], roles: [child] });
    await createRole(f.s, 'HR', { users: [hr.userId] });
    for (const u of [memberP, memberC, hr]) u.auth = await f.authOf(u.token);
  });
  afterAll(() => f?.close());

  const core = () => f.s.plinth.core;
  /** What a probe saw, as "EVENT label" (labels by objectId). */
  const seen = (p: Probe, labels: Map<string, string>) => p.events.map((e: LiveEvent) => `${e.event} ${labels.get(e.object.objectId)}`);

  it('applies the object ACL per subscriber: anonymous, user, role member, inherited role member, master', async () => {
    const probes = {
      anonymous: f.subscribe(anonymous, 'Doc'),
      owner: f.subscribe(owner.auth, 'Doc'),
      stranger: f.subscribe(stranger.auth, 'Doc'),
      memberP: f.subscribe(memberP.auth, 'Doc'),
      memberC: f.subscribe(memberC.auth, 'Doc'),
      master: f.subscribe(master, 'Doc'),
    };
    const acls: Record<string, unknown> = {
      public: undefined,
      ownerOnly: { [owner.userId]: { read: true, write: true } },
      parentRole: { 'role:Parent': { read: true } },
      nobody: {},
    };
    const labels = new Map<string, string>();
    const ids: Record<string, string> = {};
    for (const [label, ACL] of Object.entries(acls)) {
      const o = await core().create(master, 'Doc', { title: label, ...(ACL ? { ACL } : {}) });
      labels.set(o.objectId, label);
      ids[label] = o.objectId;
    }
    for (const label of Object.keys(acls)) await core().update(master, 'Doc', ids[label], { title: label + '!' });
    for (const label of Object.keys(acls)) await core().delete(master, 'Doc', ids[label]);
    await settle(probes.master, 12);
    const readers: Record<string, string[]> = {
      anonymous: ['public'],
      owner: ['public', 'ownerOnly'],
      stranger: ['public'],
      memberP: ['public', 'parentRole'],
      memberC: ['public', 'parentRole'],
      master: ['public', 'ownerOnly', 'parentRole', 'nobody'],
    };
    for (const [who, probe] of Object.entries(probes)) {
      const docs = readers[who];
      const expected = [...docs.map((d) => `CREATE ${d}`), ...docs.map((d) => `UPDATE ${d}`), ...docs.map((d) => `DELETE ${d}`)];
      expect({ who, events: seen(probe, labels) }).toEqual({ who, events: expected });
    }
  });

  it('gives LEAVE and ENTER when the ACL changes, without showing the new state to those who lost access', async () => {
    const probes = {
      anonymous: f.subscribe(anonymous, 'Doc'),
      owner: f.subscribe(owner.auth, 'Doc'),
      memberC: f.subscribe(memberC.auth, 'Doc'),
      master: f.subscribe(master, 'Doc'),
    };
    const doc = await core().create(master, 'Doc', { title: 'open' });
    await core().update(master, 'Doc', doc.objectId, { title: 'mine', ACL: { [owner.userId]: { read: true } } });
    await core().update(master, 'Doc', doc.objectId, { title: 'family', ACL: { 'role:Parent': { read: true } } });
    await settle(probes.master, 3);
    expect(probes.anonymous.kinds).toEqual(['CREATE', 'LEAVE']);
    expect(probes.owner.kinds).toEqual(['CREATE', 'UPDATE', 'LEAVE']);
    expect(probes.memberC.kinds).toEqual(['CREATE', 'LEAVE', 'ENTER']);
    expect(probes.master.kinds).toEqual(['CREATE', 'UPDATE', 'UPDATE']);
    // Who lost read access sees the object leave as it last saw it, nothing of its new state.
    expect(probes.anonymous.events[1].object).toEqual(probes.anonymous.events[0].object);
    expect(probes.anonymous.events[1].object).toMatchObject({ objectId: doc.objectId, title: 'open', createdAt: doc.createdAt, updatedAt: doc.createdAt });
    expect(probes.anonymous.events[1].original).toEqual(probes.anonymous.events[1].object);
    expect(probes.owner.events[2].object).toMatchObject({ objectId: doc.objectId, title: 'mine', ACL: { [owner.userId]: { read: true } } });
    expect(probes.owner.events[2].object).toEqual(probes.owner.events[2].original);
    // ENTER shows no original the subscriber could not read.
    expect(probes.memberC.events[2].object).toMatchObject({ title: 'family' });
    expect(probes.memberC.events[2].original).toBeUndefined();
  });

  it('applies pointer permissions (readUserFields) per subscriber', async () => {
    await createClass(f.s, 'Owned', 'addStrings: [{ name: "title" }], addPointers: [{ name: "owner", targetClassName: "_User" }]');
    await setClp(f.s, 'Owned', clp({ find: {}, get: {}, readUserFields: ['owner'] }));
    const probes = {
      anonymous: f.subscribe(anonymous, 'Owned'),
      owner: f.subscribe(owner.auth, 'Owned'),
      stranger: f.subscribe(stranger.auth, 'Owned'),
      master: f.subscribe(master, 'Owned'),
    };
    const o = await core().create(master, 'Owned', { title: 't', owner: owner.userId });
    await core().update(master, 'Owned', o.objectId, { owner: stranger.userId });
    await core().delete(master, 'Owned', o.objectId);
    await settle(probes.master, 3);
    expect(probes.anonymous.kinds).toEqual([]);
    expect(probes.owner.kinds).toEqual(['CREATE', 'LEAVE']);
    expect(probes.stranger.kinds).toEqual(['ENTER', 'DELETE']);
  });

  it('removes protected fields per subscriber, on copies', async () => {
    await createClass(f.s, 'Profile', 'addStrings: [{ name: "name" }, { name: "secret" }, { name: "salary" }]');
    await setClp(f.s, 'Profile', clp({ protectedFields: { '*': ['secret', 'salary'], 'role:HR': ['secret'] } }));
    const anon = f.subscribe(anonymous, 'Profile');
    const people = f.subscribe(hr.auth, 'Profile');
    const all = f.subscribe(master, 'Profile');
    await core().create(master, 'Profile', { name: 'ann', secret: 's3', salary: '100' });
    await settle(all, 1);
    await people.waitFor(1);
    await anon.waitFor(1);
    expect(anon.events[0].object).not.toHaveProperty('secret');
    expect(anon.events[0].object).not.toHaveProperty('salary');
    expect(anon.events[0].object).toMatchObject({ name: 'ann' });
    expect(people.events[0].object).toMatchObject({ name: 'ann', salary: '100' });
    expect(people.events[0].object).not.toHaveProperty('secret');
    expect(all.events[0].object).toMatchObject({ name: 'ann', secret: 's3', salary: '100' });
  });

  it('refuses a subscription the CLP refuses: find → 119, requiresAuthentication → 101, a protected field in the where → 119', async () => {
    await createClass(f.s, 'Closed', 'addStrings: [{ name: "title" }]');
    await setClp(f.s, 'Closed', clp({ find: { 'role:Parent': true } }));
    expect(() => f.subscribe(stranger.auth, 'Closed')).toThrowError(expect.objectContaining({ code: 119 }));
    expect(() => f.subscribe(memberC.auth, 'Closed')).not.toThrow();
    await createClass(f.s, 'Insider', 'addStrings: [{ name: "title" }, { name: "hidden" }]');
    await setClp(f.s, 'Insider', clp({ find: { requiresAuthentication: true }, protectedFields: { '*': ['hidden'] } }));
    expect(() => f.subscribe(anonymous, 'Insider')).toThrowError(expect.objectContaining({ code: 101 }));
    expect(() => f.subscribe(owner.auth, 'Insider', { where: { hidden: { equalTo: 'x' } } })).toThrowError(expect.objectContaining({ code: 119 }));
  });

  it('ends a subscription with 119 when the CLP stops allowing find while subscribed', async () => {
    await createClass(f.s, 'Shifting', 'addStrings: [{ name: "title" }]');
    const all = f.subscribe(master, 'Shifting');
    const user = f.subscribe(stranger.auth, 'Shifting');
    await core().create(master, 'Shifting', { title: 'before' });
    await user.waitFor(1);
    await setClp(f.s, 'Shifting', clp({ find: { 'role:Parent': true } }));
    await core().create(master, 'Shifting', { title: 'after' });
    await settle(all, 2);
    expect(await user.endedWith()).toBe(119);
    expect(user.kinds).toEqual(['CREATE']);
  });

  it('takes a role change into account for the next change', async () => {
    await createClass(f.s, 'Club', 'addStrings: [{ name: "title" }]');
    const late = await f.user('late');
    const all = f.subscribe(master, 'Club');
    const probe = f.subscribe(late.auth, 'Club');
    const doc = await core().create(master, 'Club', { title: 'members only', ACL: { 'role:Joiners': { read: true } } });
    await createRole(f.s, 'Joiners', { users: [late.userId] });
    await core().update(master, 'Club', doc.objectId, { title: 'welcome' });
    await settle(all, 2);
    expect(probe.kinds).toEqual(['UPDATE']);
    expect(probe.events[0].object).toMatchObject({ title: 'welcome' });
  });
});

describe('live engine: sessions', () => {
  let f: LiveFixture;
  const master = Auth.master();

  beforeAll(async () => {
    f = await startLiveFixture();
    await createClass(f.s, 'Note', 'addStrings: [{ name: "title" }]');
  });
  afterAll(() => f?.close());

  it('ends the subscriptions of a session that logs out with 209, and only those', async () => {
    const u = await f.user('leaver');
    const { token } = await f.s.plinth.sessions.create(u.userId, { action: 'login' });
    const other = await f.authOf(token);
    const leaving = f.subscribe(u.auth, 'Note');
    const staying = f.subscribe(other, 'Note');
    await f.s.plinth.accounts.logOut(u.auth);
    expect(await leaving.endedWith()).toBe(209);
    await f.s.plinth.core.create(master, 'Note', { title: 'still here' });
    await staying.waitFor(1);
    expect(staying.done).toBe(false);
  });

  it('a password change ends the other sessions of the user, not the one that made it', async () => {
    const u = await f.user('changer');
    const { token } = await f.s.plinth.sessions.create(u.userId, { action: 'login' });
    const elsewhere = await f.authOf(token);
    const here = f.subscribe(u.auth, 'Note');
    const there = f.subscribe(elsewhere, 'Note');
    await f.s.plinth.core.update(u.auth, '_User', u.userId, { password: 'another-long-password' });
    expect(await there.endedWith()).toBe(209);
    await f.s.plinth.core.create(master, 'Note', { title: 'after the change' });
    await here.waitFor(1);
    expect(here.done).toBe(false);
  });

  it('ends a subscription when its session expires', async () => {
    const u = await f.user('expiring');
    await f.s.plinth.db.execute(`UPDATE "_Session" SET "expiresAt" = now() + interval '300 milliseconds' WHERE "user" = $1`, [u.userId]);
    const probe = f.subscribe(u.auth, 'Note');
    expect(await probe.endedWith()).toBe(209);
  });

  it('ends at once a subscription whose session had already ended', async () => {
    const u = await f.user('already-gone');
    await f.s.plinth.db.execute(`DELETE FROM "_Session" WHERE "user" = $1`, [u.userId]);
    const probe = f.subscribe(u.auth, 'Note');
    expect(await probe.endedWith()).toBe(209);
  });
});
