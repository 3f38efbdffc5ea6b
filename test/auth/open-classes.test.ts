import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isFullyPublic, warnAboutPublicClasses } from '../../src/auth/open-classes.ts';
import { createLogger } from '../../src/config/logger.ts';
import { fromStored } from '../../src/schema/stored.ts';
import type { ClassDef } from '../../src/schema/index.ts';

const cls = (className: string, classLevelPermissions?: Record<string, unknown>): ClassDef =>
  fromStored({ className, fields: {}, ...(classLevelPermissions ? { classLevelPermissions } : {}) } as any);

const open = {
  find: { '*': true },
  get: { '*': true },
  count: { '*': true },
  create: { '*': true },
  update: { '*': true },
  delete: { '*': true },
  addField: { '*': true },
};

describe('classes open to everyone', () => {
  it('is fully public only when every operation grants "*" (or is not restricted at all)', () => {
    expect(isFullyPublic(cls('A', open))).toBe(true);
    expect(isFullyPublic(cls('B', { ...open, protectedFields: { '*': ['secret'] } }))).toBe(true);
    expect(isFullyPublic(cls('C', { ...open, delete: {} }))).toBe(false);
    expect(isFullyPublic(cls('D', { ...open, addField: { 'role:Admin': true } }))).toBe(false);
    expect(isFullyPublic(cls('E', { ...open, find: { requiresAuthentication: true } }))).toBe(false);
    const { update: _u, ...withoutUpdate } = open;
    expect(isFullyPublic(cls('F', withoutUpdate))).toBe(true);
    // Parse's CLP for installations is open, but clients never list or delete them.
    expect(isFullyPublic(cls('_Installation', open))).toBe(false);
  });

  it('logs one warning naming them, sorted, and none when there are none', () => {
    const lines: any[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(JSON.parse(String(c))), done()) }));
    const classes = new Map([
      ['Zed', cls('Zed', open)],
      ['Alpha', cls('Alpha', open)],
      ['Closed', cls('Closed', { ...open, create: {} })],
    ]);
    expect(warnAboutPublicClasses({ version: '1', classes }, logger)).toEqual(['Alpha', 'Zed']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, classes: ['Alpha', 'Zed'] });
    expect(lines[0].msg).toMatch(/^classes open to everyone .*: Alpha, Zed;/);
    expect(warnAboutPublicClasses({ version: '1', classes: new Map([['Closed', classes.get('Closed')!]]) }, logger)).toEqual([]);
    expect(lines).toHaveLength(1);
  });
});
