import { describe, expect, it } from 'vitest';
import { checkUnchanged, planInstallationWrite, type InstallationWrite } from '../../src/push/installations/plan.ts';
import type { InstallationRow } from '../../src/query/sql/installations.ts';

// handleInstallation's branches, one row each: the installations that share a key with the
// write, and where the write goes and what it deletes.

const row = (objectId: string, installationId: string | null, deviceToken: string | null, deviceType = 'ios'): InstallationRow => ({
  objectId,
  installationId,
  deviceToken,
  deviceType,
  _wperm: null,
});

const create = (w: Partial<InstallationWrite>): InstallationWrite => ({ kind: 'create', deviceType: 'ios', ...w });
const update = (objectId: string, w: Partial<InstallationWrite>): InstallationWrite => ({ kind: 'update', objectId, ...w });

describe('planInstallationWrite', () => {
  it.each([
    ['a new installation', create({ installationId: 'a' }), [], { deletes: [] }],
    ['a create with a known installationId (stored in another case)', create({ installationId: 'a' }), [row('A', 'A', null)], { target: 'A', deletes: [] }],
    [
      'a create holding the token of an installation without id',
      create({ installationId: 'b', deviceToken: 't' }),
      [row('T', null, 't')],
      { target: 'T', deletes: [] },
    ],
    ['a create without id holding the token of an installation', create({ deviceToken: 't' }), [row('A', 'a', 't')], { target: 'A', deletes: [] }],
    [
      'a new installation taking a token',
      create({ installationId: 'b', deviceToken: 't', appIdentifier: 'app' }),
      [row('A', 'a', 't')],
      { deletes: [{ holders: { deviceToken: 't', keepInstallationId: 'b', appIdentifier: 'app' } }] },
    ],
    [
      'a known installation and the imported one holding its token',
      create({ installationId: 'a', deviceToken: 't' }),
      [row('A', 'a', null), row('T', null, 't')],
      { target: 'T', deletes: [{ objectId: 'A' }] },
    ],
    [
      'a known installation getting a token others hold',
      create({ installationId: 'a', deviceToken: 't' }),
      [row('A', 'a', 'old'), row('B', 'b', 't')],
      { target: 'A', deletes: [{ holders: { deviceToken: 't', keepInstallationId: 'a', appIdentifier: undefined } }] },
    ],
    // Parse deletes the token's other holders only when the write's fields give the installationId
    // (RestWrite.handleInstallation: `data.installationId`): an update by objectId alone, or a
    // create with only the X-Parse-Installation-Id header, leaves every holder its token.
    [
      'an update by objectId getting a token others hold: both keep it',
      update('A', { deviceToken: 't' }),
      [row('A', 'a', null), row('B', 'b', 't')],
      { target: 'A', deletes: [] },
    ],
    [
      'an update by objectId naming its installationId, getting a token others hold',
      update('A', { installationId: 'a', deviceToken: 't', appIdentifier: 'app' }),
      [row('A', 'a', null), row('B', 'b', 't')],
      { target: 'A', deletes: [{ holders: { deviceToken: 't', keepInstallationId: 'a', appIdentifier: 'app' } }] },
    ],
    [
      'a create by the header’s installationId, getting a token others hold: both keep it',
      create({ installationId: 'a', idFromHeader: true, deviceToken: 't' }),
      [row('A', 'a', 'old'), row('B', 'b', 't')],
      { target: 'A', deletes: [] },
    ],
    [
      'an update keeping its own token (no installationId: not merged into itself)',
      update('T', { deviceToken: 't' }),
      [row('T', null, 't')],
      { target: 'T', deletes: [] },
    ],
    [
      'an update linking an installation and the imported one holding the token',
      update('A', { installationId: 'a', deviceToken: 't' }),
      [row('A', 'a', null), row('T', null, 't')],
      { target: 'T', deletes: [{ objectId: 'A' }] },
    ],
  ] as const)('%s', (_name, write, rows, plan) => {
    expect(planInstallationWrite(write, rows)).toEqual(plan);
  });

  it('refuses a new installation without deviceType (135) and an ambiguous token (132)', () => {
    expect(() => planInstallationWrite(create({ installationId: 'a', deviceType: undefined }), [])).toThrow('deviceType must be specified in this operation');
    expect(() => planInstallationWrite(create({ deviceToken: 't' }), [row('A', 'a', 't'), row('B', 'b', 't')])).toThrow(
      'Must specify installationId when deviceToken matches multiple Installation objects',
    );
    // The header's installationId does not take a token from an installation that has an id of its own.
    expect(() => planInstallationWrite(create({ installationId: 'h', idFromHeader: true, deviceToken: 't' }), [row('A', 'a', 't')])).toThrow(
      'Must specify installationId when deviceToken matches multiple Installation objects',
    );
  });
});

describe('checkUnchanged', () => {
  const stored = row('A', 'abc', 'tok', 'android');
  it.each([
    [{ installationId: 'other' }, 'installationId'],
    [{ installationId: null }, 'installationId'],
    [{ deviceType: 'ios' }, 'deviceType'],
    [{ deviceType: null }, 'deviceType'],
  ])('refuses %j (136)', (input, field) => {
    expect(() => checkUnchanged(input, update('A', {}), stored)).toThrow(`${field} may not be changed in this operation`);
  });

  it('refuses a new token on an installation without installationId, unless the update gives one', () => {
    const tokenOnly = row('T', null, 'tok');
    expect(() => checkUnchanged({ deviceToken: 'new' }, update('T', { deviceToken: 'new' }), tokenOnly)).toThrow(
      'deviceToken may not be changed in this operation',
    );
    expect(() => checkUnchanged({}, update('T', { deviceToken: 'new', installationId: 'x' }), tokenOnly)).not.toThrow();
  });

  it('lets the same values through', () => {
    expect(() => checkUnchanged({ installationId: 'abc', deviceType: 'android' }, update('A', { installationId: 'abc' }), stored)).not.toThrow();
  });
});
