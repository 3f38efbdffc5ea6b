/*
 * What a LiveQuery client sends, checked as Parse Server's RequestSchema checks it (with its
 * validator's messages: the JavaScript SDK reacts to "Additional properties not allowed" by
 * dropping `installationId` from its next connect).
 */

export interface ConnectMessage {
  op: 'connect';
  applicationId: string;
  javascriptKey?: string;
  masterKey?: string;
  clientKey?: string;
  windowsKey?: string;
  restAPIKey?: string;
  sessionToken?: string;
  installationId?: string;
}

export interface LiveQuerySpec {
  className: string;
  /** Parse's REST `where`. */
  where: Record<string, unknown>;
  /** The fields events carry (besides objectId, createdAt, updatedAt, ACL); `fields` in older SDKs. */
  keys?: string[];
  /** Only changes to these fields make `create` and `update` events. */
  watch?: string[];
}

export interface SubscribeMessage {
  /** `update` replaces the subscription's query, keeping its requestId. */
  op: 'subscribe' | 'update';
  requestId: number;
  query: LiveQuerySpec;
  /** The subscription's own session (else the connection's). */
  sessionToken?: string;
}

export interface UnsubscribeMessage {
  op: 'unsubscribe';
  requestId: number;
}

export type ClientMessage = ConnectMessage | SubscribeMessage | UnsubscribeMessage;

type Check = (value: unknown) => string | undefined;

interface Shape {
  required: readonly string[];
  properties: Readonly<Record<string, Check>>;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const wrongType = (value: unknown, expected: string) => `Invalid type: ${typeName(value)} (expected ${expected})`;

const text: Check = (v) => (typeof v === 'string' ? undefined : wrongType(v, 'string'));
const number: Check = (v) => (typeof v === 'number' ? undefined : wrongType(v, 'number'));
const anything: Check = () => undefined;

const names: Check = (v) => {
  if (!Array.isArray(v)) return wrongType(v, 'array');
  if (v.length < 1) return 'Array is too short (0), minimum 1';
  for (const item of v) if (typeof item !== 'string') return wrongType(item, 'string');
  const first = new Map<string, number>();
  for (let i = 0; i < v.length; i++) {
    const seen = first.get(v[i]);
    if (seen !== undefined) return `Array items are not unique (indices ${seen} and ${i})`;
    first.set(v[i], i);
  }
  return undefined;
};

/** Properties outside the shape are refused, as Parse's schemas do (`additionalProperties: false`). */
function shaped(shape: Shape): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrongType(value, 'object');
    for (const key of shape.required) if (!Object.hasOwn(value, key)) return `Missing required property: ${key}`;
    for (const [key, v] of Object.entries(value)) {
      if (!Object.hasOwn(shape.properties, key)) return 'Additional properties not allowed';
      const problem = shape.properties[key]!(v);
      if (problem) return problem;
    }
    return undefined;
  };
}

const whereObject: Check = (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : wrongType(v, 'object'));

const query = shaped({ required: ['where', 'className'], properties: { className: text, where: whereObject, keys: names, fields: names, watch: names } });
const subscribe = shaped({ required: ['op', 'requestId', 'query'], properties: { op: anything, requestId: number, query, sessionToken: text } });

const SHAPES: Readonly<Record<ClientMessage['op'], Check>> = {
  connect: shaped({
    required: ['op', 'applicationId'],
    properties: {
      op: anything,
      applicationId: text,
      javascriptKey: text,
      masterKey: text,
      clientKey: text,
      windowsKey: text,
      restAPIKey: text,
      sessionToken: text,
      installationId: text,
    },
  }),
  subscribe,
  update: subscribe,
  unsubscribe: shaped({ required: ['op', 'requestId'], properties: { op: anything, requestId: number } }),
};

/** A client's frame as a message, or why it is not one (Parse answers that with error code 1). */
export function readClientMessage(frame: string): ClientMessage | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { invalid: 'Invalid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { invalid: wrongType(value, 'object') };
  const op = (value as { op?: unknown }).op;
  if (op === undefined) return { invalid: 'Missing required property: op' };
  if (typeof op !== 'string') return { invalid: wrongType(op, 'string') };
  if (!Object.hasOwn(SHAPES, op)) return { invalid: `No enum match for: ${JSON.stringify(op)}` };
  const problem = SHAPES[op as ClientMessage['op']](value);
  if (problem) return { invalid: problem };
  const message = value as ClientMessage & { query?: LiveQuerySpec & { fields?: string[] } };
  // Older SDKs name the keys `fields`.
  if (message.query?.fields) {
    const { fields, ...rest } = message.query;
    message.query = { ...rest, keys: rest.keys ?? fields };
  }
  return message;
}
