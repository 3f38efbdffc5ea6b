import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.ts';
import type { ValidatorOptions } from '../../src/cloud/types.ts';
import { CloudRateLimits, validate, validatorProblem, type ValidatorRequest } from '../../src/cloud/validators/index.ts';
import { ParseError } from '../../src/errors/index.ts';

/** A record with get/set/unset: stands in for a user or a trigger's object (CloudObject's surface). */
function record(fields: Record<string, unknown>, extra: { id?: string; className?: string; isNew?: boolean } = {}) {
  const values = new Map(Object.entries(fields));
  return {
    id: extra.id,
    className: extra.className ?? 'Post',
    get: (key: string) => values.get(key),
    set: (key: string, value: unknown) => void values.set(key, value),
    unset: (key: string) => void values.delete(key),
    isNew: () => extra.isNew ?? false,
    has: (key: string) => values.has(key),
  };
}

const CALLERS = {
  anonymous: (): ValidatorRequest => ({ master: false, roles: [], params: {} }),
  user: (): ValidatorRequest => ({ master: false, user: record({ email: 'u@example.com', plan: 'pro' }, { id: 'u1' }), roles: [], params: {} }),
  admin: (): ValidatorRequest => ({ master: false, user: record({ plan: 'free' }, { id: 'u2' }), roles: ['admin', 'staff'], params: {} }),
  master: (): ValidatorRequest => ({ master: true, roles: [], params: {} }),
};
type Caller = keyof typeof CALLERS;

const ctx = (key = 'function:test') => ({ key, rateLimits: new CloudRateLimits() });

/** Runs a validator and gives 'ok' or the refusal's "code message". */
async function outcome(validator: Parameters<typeof validate>[0], request: ValidatorRequest): Promise<string> {
  try {
    await validate(validator, request, ctx());
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return `${(e as ParseError).code} ${(e as ParseError).message}`;
  }
}

const LOGIN = '142 Validation failed. Please login to continue.';
const MASTER = '142 Validation failed. Master key is required to complete this request.';
const ANY_ROLE = '142 Validation failed. User does not match the required roles.';
const ALL_ROLES = '142 Validation failed. User does not match all the required roles.';

const TABLE: [string, ValidatorOptions, Record<Caller, string>][] = [
  ['requireUser', { requireUser: true }, { anonymous: LOGIN, user: 'ok', admin: 'ok', master: 'ok' }],
  ['requireUser, validating the master key', { requireUser: true, validateMasterKey: true }, { anonymous: LOGIN, user: 'ok', admin: 'ok', master: LOGIN }],
  ['requireMaster', { requireMaster: true }, { anonymous: MASTER, user: MASTER, admin: MASTER, master: 'ok' }],
  [
    'requireMaster, validating the master key',
    { requireMaster: true, validateMasterKey: true },
    { anonymous: MASTER, user: MASTER, admin: MASTER, master: 'ok' },
  ],
  ['requireAnyUserRoles', { requireAnyUserRoles: ['admin', 'boss'] }, { anonymous: LOGIN, user: ANY_ROLE, admin: 'ok', master: 'ok' }],
  [
    'requireAnyUserRoles, empty (matches no one, as in Parse)',
    { requireAnyUserRoles: [] },
    { anonymous: LOGIN, user: ANY_ROLE, admin: ANY_ROLE, master: 'ok' },
  ],
  [
    'requireAnyUserRoles from an async function',
    { requireAnyUserRoles: async () => ['staff'] },
    { anonymous: LOGIN, user: ANY_ROLE, admin: 'ok', master: 'ok' },
  ],
  ['requireAllUserRoles', { requireAllUserRoles: ['admin', 'staff'] }, { anonymous: LOGIN, user: ALL_ROLES, admin: 'ok', master: 'ok' }],
  ['requireAllUserRoles, one missing', { requireAllUserRoles: () => ['admin', 'boss'] }, { anonymous: LOGIN, user: ALL_ROLES, admin: ALL_ROLES, master: 'ok' }],
  [
    'requireUserKeys as a list',
    { requireUserKeys: ['email'] },
    {
      anonymous: '142 Please login to make this request.',
      user: 'ok',
      admin: '142 Validation failed. Please set data for email on your account.',
      master: 'ok',
    },
  ],
  [
    'requireUserKeys with options',
    { requireUserKeys: { plan: { options: ['pro', 'team'] } } },
    {
      anonymous: '142 Please login to make this request.',
      user: 'ok',
      admin: '142 Validation failed. Invalid option for plan. Expected: pro, team',
      master: 'ok',
    },
  ],
  [
    'requireUserKeys with an async options function and its own error',
    { requireUserKeys: { plan: { options: async (plan: string) => plan !== 'free', error: 'Upgrade first.' } } },
    { anonymous: '142 Please login to make this request.', user: 'ok', admin: '142 Upgrade first.', master: 'ok' },
  ],
  [
    'fields as a list',
    { fields: ['title'] },
    {
      anonymous: '142 Validation failed. Please specify data for title.',
      user: '142 Validation failed. Please specify data for title.',
      admin: '142 Validation failed. Please specify data for title.',
      master: 'ok',
    },
  ],
];

describe('validator objects: who may call', () => {
  for (const [name, options, expected] of TABLE) {
    it(name, async () => {
      const got: Record<string, string> = {};
      for (const caller of Object.keys(CALLERS) as Caller[]) got[caller] = await outcome(options, CALLERS[caller]());
      expect(got).toEqual(expected);
    });
  }

  it('requireUser passes the triggers of a sign-up (the new _User is the user), not of an existing user', async () => {
    const signUp = { master: false, roles: [], object: record({ username: 'ann' }, { className: '_User', isNew: true }) };
    expect(await outcome({ requireUser: true, requireUserKeys: ['username'] }, signUp)).toBe('ok');
    const existing = { master: false, roles: [], object: record({ username: 'ann' }, { className: '_User', id: 'x' }) };
    expect(await outcome({ requireUser: true }, existing)).toBe(LOGIN);
    const otherClass = { master: false, roles: [], object: record({}, { isNew: true }) };
    expect(await outcome({ requireUser: true }, otherClass)).toBe(LOGIN);
  });

  it('a role function that gives no list is a clear 142, not a crash', async () => {
    expect(await outcome({ requireAnyUserRoles: (() => 'admin') as never }, CALLERS.admin())).toBe(
      '142 Validation failed. requireAnyUserRoles must give a list of role names.',
    );
  });

  it('skipWithMasterKey tells the caller not to run the handler, for the master key only', async () => {
    const options = { skipWithMasterKey: true, requireUser: true };
    expect(await validate(options, CALLERS.master(), ctx())).toEqual({ skipHandler: true });
    expect(await validate(options, CALLERS.user(), ctx())).toEqual({ skipHandler: false });
    await expect(validate(options, CALLERS.anonymous(), ctx())).rejects.toMatchObject({ code: 142, message: 'Validation failed. Please login to continue.' });
    // With validateMasterKey the rules still apply to the master key before it skips.
    await expect(validate({ ...options, validateMasterKey: true }, CALLERS.master(), ctx())).rejects.toMatchObject({ code: 142 });
  });
});

describe('validator objects: fields of a function call', () => {
  const call = (params: Record<string, unknown>): ValidatorRequest => ({ master: false, roles: [], params });

  it('writes defaults into the params when a value is missing or null, and keeps given values', async () => {
    const params = { size: null, count: 3 } as Record<string, unknown>;
    await validate({ fields: { size: { default: 'M' }, count: { default: 1 }, tags: { default: ['a'], type: Array } } }, call(params), ctx());
    expect(params).toEqual({ size: 'M', count: 3, tags: ['a'] });
  });

  it('checks required values and types with Parse messages', async () => {
    const rules = { fields: { title: { required: true, type: String }, views: { type: Number }, tags: { type: Array }, meta: { type: Object } } };
    expect(await outcome(rules, call({}))).toBe('142 Validation failed. Please specify data for title.');
    expect(await outcome(rules, call({ title: 4 }))).toBe('142 Validation failed. Invalid type for title. Expected: string');
    expect(await outcome(rules, call({ title: 'a', views: '3' }))).toBe('142 Validation failed. Invalid type for views. Expected: number');
    expect(await outcome(rules, call({ title: 'a', tags: {} }))).toBe('142 Validation failed. Invalid type for tags. Expected: array');
    expect(await outcome(rules, call({ title: 'a', meta: [] }))).toBe('142 Validation failed. Invalid type for meta. Expected: object');
    expect(await outcome(rules, call({ title: 'a', views: 3, tags: [], meta: {} }))).toBe('ok');
    // An optional value that is absent is not checked; a present null is (as in Parse).
    expect(await outcome(rules, call({ title: 'a', views: null }))).toBe('142 Validation failed. Invalid type for views. Expected: number');
    expect(await outcome({ fields: { at: { type: Date } } }, call({ at: new Date() }))).toBe('ok');
    expect(await outcome({ fields: { at: { type: 'date' } } }, call({ at: '2020-01-01' }))).toBe('142 Validation failed. Invalid type for at. Expected: date');
  });

  it('checks options: a list, a single value, a function (async allowed), with a custom error', async () => {
    const sizes = { fields: { size: { options: ['S', 'M', 'L'] } } };
    expect(await outcome(sizes, call({ size: 'XL' }))).toBe('142 Validation failed. Invalid option for size. Expected: S, M, L');
    expect(await outcome(sizes, call({ size: 'M' }))).toBe('ok');
    expect(await outcome({ fields: { kind: { options: 'post' } } }, call({ kind: 'page' }))).toBe(
      '142 Validation failed. Invalid option for kind. Expected: post',
    );
    const positive = { fields: { n: { options: async (n: number) => n > 0 } } };
    expect(await outcome(positive, call({ n: -1 }))).toBe('142 Validation failed. Invalid value for n.');
    expect(await outcome(positive, call({ n: 2 }))).toBe('ok');
    expect(await outcome({ fields: { n: { options: () => undefined } } }, call({ n: 2 }))).toBe('ok'); // no answer accepts
    expect(await outcome({ fields: { n: { options: ['a'], error: 'Pick a letter.' } } }, call({ n: 'b' }))).toBe('142 Pick a letter.');
    expect(await outcome({ fields: { n: { options: () => false, error: 'No.' } } }, call({ n: 1 }))).toBe('142 No.');
  });

  it('an options function that throws refuses with its message as a 142 (its own code is not kept, as in Parse)', async () => {
    const thrower = (error: unknown) => ({
      fields: {
        n: {
          options: () => {
            throw error;
          },
        },
      },
    });
    expect(await outcome(thrower(new Error('Too big')), call({ n: 1 }))).toBe('142 Too big');
    expect(await outcome(thrower(new CloudError(101, 'Gone')), call({ n: 1 }))).toBe('142 Gone');
    expect(await outcome(thrower(undefined), call({ n: 1 }))).toBe('142 Validation failed. Invalid value for n.');
  });

  it('reports every required and type refusal before an options refusal, as Parse orders them', async () => {
    const rules = { fields: { first: { options: ['x'] }, second: { type: Number } } };
    expect(await outcome(rules, call({ first: 'y', second: 'no' }))).toBe('142 Validation failed. Invalid type for second. Expected: number');
  });

  it('reads only the params own keys', async () => {
    expect(await outcome({ fields: ['constructor'] }, call({}))).toBe('142 Validation failed. Please specify data for constructor.');
  });
});

describe('validator objects: fields of a trigger', () => {
  it('applies the rules to the object and writes defaults onto it', async () => {
    const object = record({ title: 'Hi' }, { isNew: true });
    await validate({ fields: { title: { required: true, type: String }, status: { default: 'draft' } } }, { master: false, roles: [], object }, ctx());
    expect(object.get('status')).toBe('draft');
    expect(await outcome({ fields: { body: { required: true } } }, { master: false, roles: [], object })).toBe(
      '142 Validation failed. Please specify data for body.',
    );
  });

  it('constant: an update keeps the stored value (or none), a create takes the default or keeps what was sent', async () => {
    const rules = { fields: { score: { constant: true, default: 0 }, owner: { constant: true } } };
    const updated = record({ score: 99, owner: 'mallory' }, { id: 'p1' });
    await validate(rules, { master: false, roles: [], object: updated, original: record({ score: 5 }, { id: 'p1' }) }, ctx());
    expect(updated.get('score')).toBe(5);
    expect(updated.has('owner')).toBe(false);

    const created = record({ score: 99, owner: 'ann' }, { isNew: true });
    await validate(rules, { master: false, roles: [], object: created }, ctx());
    expect(created.get('score')).toBe(0);
    expect(created.get('owner')).toBe('ann'); // no default: Parse keeps the client's value on create
  });

  it('with the master key, rules do not apply and nothing is written (unless validateMasterKey)', async () => {
    const object = record({}, { isNew: true });
    await validate({ fields: { status: { default: 'draft', required: true } } }, { master: true, roles: [], object }, ctx());
    expect(object.has('status')).toBe(false);
    await validate({ validateMasterKey: true, fields: { status: { default: 'draft', required: true } } }, { master: true, roles: [], object }, ctx());
    expect(object.get('status')).toBe('draft');
  });
});

describe('validator functions', () => {
  const request = CALLERS.user();
  const failing = (thrown: () => unknown) => () => {
    throw thrown();
  };

  it('pass when they return (sync or async), and get the handler request', async () => {
    const handlerRequest = { functionName: 'hello' };
    let seen: unknown;
    await validate(async (r) => void (seen = r), request, { ...ctx(), handlerRequest });
    expect(seen).toBe(handlerRequest);
  });

  it('refusals follow resolveError: 142 "Validation failed." by default, a numeric code kept', async () => {
    expect(
      await outcome(
        failing(() => 'Not today.'),
        request,
      ),
    ).toBe('142 Not today.');
    expect(
      await outcome(
        failing(() => new Error('Broken')),
        request,
      ),
    ).toBe('142 Broken');
    expect(
      await outcome(
        failing(() => undefined),
        request,
      ),
    ).toBe('142 Validation failed.');
    expect(
      await outcome(
        failing(() => new CloudError(CloudError.OBJECT_NOT_FOUND, 'No such post')),
        request,
      ),
    ).toBe('101 No such post');
    expect(
      await outcome(
        failing(() => ({ code: 137, message: 'Taken' })),
        request,
      ),
    ).toBe('137 Taken');
    expect(await outcome(async () => Promise.reject(new TypeError('x is undefined')), request)).toBe('142 x is undefined');
    expect(
      await outcome(
        failing(() => ({ reason: 'why' })),
        request,
      ),
    ).toBe('142 {"reason":"why"}');
  });
});

describe('validator definitions (Parse messages)', () => {
  it('accepts Parse validator objects and functions', () => {
    expect(validatorProblem(() => undefined)).toBeUndefined();
    expect(
      validatorProblem({
        requireUser: true,
        requireAnyUserRoles: () => [],
        fields: { a: { type: String, default: 'x', options: ['x'], required: true, constant: false, error: 'e' } },
        requireUserKeys: ['email'],
        rateLimit: { requestCount: 1, requestTimeWindow: 1000, zone: 'user', requestPath: '/ignored' },
      }),
    ).toBeUndefined();
  });

  it('reports unknown keys, wrong types and bad rate limits, and validate refuses with that message', async () => {
    const cases: [unknown, string][] = [
      [{ requireUsers: true }, 'requireUsers is not a supported parameter for Cloud Function validations.'],
      [{ requireUser: 'yes' }, 'Invalid type for Cloud Function validation key requireUser. Expected boolean, actual string'],
      [{ requireAnyUserRoles: 'admin' }, 'Invalid type for Cloud Function validation key requireAnyUserRoles. Expected array|function, actual string'],
      [{ fields: { a: { requierd: true } } }, 'requierd is not a supported parameter for Cloud Function validations.'],
      [{ fields: { a: { error: 5 } } }, 'Invalid type for Cloud Function validation key error. Expected string, actual number'],
      [{ fields: { a: 'a' } }, 'Invalid type for Cloud Function validation key fields.a. Expected object, actual string'],
      [{ rateLimit: { requestCount: 1, requestTimeWindow: 1000, burst: 2 } }, 'Invalid rate limit option "burst"'],
      [{ rateLimit: { requestCount: 1 } }, 'rateLimit.requestTimeWindow must be defined'],
      [{ rateLimit: { requestTimeWindow: 1000 } }, 'rateLimit.requestCount must be defined'],
      [{ rateLimit: { requestCount: '1', requestTimeWindow: 1000 } }, 'rateLimit.requestCount must be a number'],
      [{ rateLimit: { requestCount: 1, requestTimeWindow: 1000, zone: 'planet' } }, 'rateLimit.zone must be one of global, session, user, or ip'],
    ];
    for (const [validator, message] of cases) {
      expect(validatorProblem(validator)).toBe(message);
      expect(await outcome(validator as ValidatorOptions, CALLERS.master())).toBe(`142 ${message}`);
    }
  });
});
