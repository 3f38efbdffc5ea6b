import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { master, Parse, seed, startSdkServer, type SdkServer } from './harness.ts';

// include, select and exclude through the SDK: arrays of pointers, dotted keys on included
// objects, pointers the caller may not read (test/rest/include.db.test.ts has Parse's exact answers).

let s: SdkServer;
let holderId: string;

beforeAll(async () => {
  s = await startSdkServer();
  const [owner] = await seed('IncOwner', [{ oname: 'o1' }]);
  const [c] = await seed('IncPart', [{ cname: 'c1', cextra: 1 }]);
  const [b1, b2, priv] = await seed('IncItem', [
    { bname: 'b1', n: 1, label: 'L1', c, owner },
    { bname: 'b2', n: 2, label: 'L2', owner },
    { bname: 'private', n: 3, ACL: new Parse.ACL() },
  ]);
  const [holder] = await seed('IncHolder', [{ name: 'h', arr: [b1, b2, 'str', priv], b: b1, par: b2, priv }]);
  holderId = holder.id!;
});
afterAll(() => s?.close());

const holder = () => new Parse.Query('IncHolder').equalTo('objectId', holderId);

describe('SDK include', () => {
  it('an array of pointers: readable ones come as objects, the unreadable one is left out, other values stay', async () => {
    const got = (await holder().include('arr').first())!;
    const arr = got.get('arr') as unknown[];
    expect(arr).toHaveLength(3);
    expect((arr[0] as Parse.Object).get('bname')).toBe('b1');
    expect((arr[1] as Parse.Object).get('label')).toBe('L2');
    expect(arr[2]).toBe('str');
    // Through the array, a level deeper; the master key reads the private one.
    const deep = (await holder().include('arr.owner').first())!;
    expect((deep.get('arr')[1] as Parse.Object).get('owner').get('oname')).toBe('o1');
    const all = (await holder().include('arr').first(master))!;
    expect(all.get('arr').map((o: Parse.Object | string) => (typeof o === 'string' ? o : o.get('bname')))).toEqual(['b1', 'b2', 'str', 'private']);
  });

  it('select and exclude on included objects', async () => {
    const cOnly = (await holder().select('b.c.cname').include('b.c').first())!;
    expect(cOnly.get('b').get('c').get('cname')).toBe('c1');
    expect(cOnly.get('b').get('c').has('cextra')).toBe(false);
    expect(cOnly.get('b').has('bname')).toBe(false);
    expect(cOnly.has('name')).toBe(false);
    const bName = (await holder().select('b.bname').first())!;
    expect(bName.get('b').get('bname')).toBe('b1');
    expect(bName.get('b').has('n')).toBe(false);
    const noN = (await holder().include('b').exclude('b.n').first())!;
    expect(noN.get('b').get('bname')).toBe('b1');
    expect(noN.get('b').has('n')).toBe(false);
    const label = (await holder().select('name', 'par.label').include('par').first())!;
    expect(label.get('par').get('label')).toBe('L2');
    expect(label.get('par').has('bname')).toBe(false);
    expect(label.get('par').createdAt).toBeInstanceOf(Date);
  });

  it('an included pointer the caller may not read is left out, as Parse leaves it', async () => {
    const got = (await holder().include('priv').first())!;
    expect(got.has('priv')).toBe(false);
    expect((await new Parse.Query('IncHolder').include('priv').get(holderId)).has('priv')).toBe(false);
    expect((await holder().include('priv').first(master))!.get('priv').get('bname')).toBe('private');
  });
});
