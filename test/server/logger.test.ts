import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { loadOpsConfig } from '../../src/config/ops.ts';
import { createLogger } from '../../src/config/logger.ts';

// The log reads as text for a developer at a terminal, as JSON lines in production (and for
// collectors); PLINTH_LOG_FORMAT forces either; tests stay quiet.

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _e, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

const KEY = 'a-master-key-of-some-length';

describe('pretty format', () => {
  it('writes the start-up line, warnings and request errors as text, with the stack', () => {
    const out = sink();
    const logger = createLogger('info', out.stream, 'pretty');
    logger.info({ url: 'http://localhost:1337/graphql' }, 'Plinth is serving http://localhost:1337/graphql (GraphiQL in a browser)');
    logger.warn({ className: 'Post' }, 'class Post is readable and writable by anyone');
    logger.error({ err: new Error('boom') }, 'unexpected error in a request');
    const lines = out.text().split('\n');
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Plinth is serving http:\/\/localhost:1337\/graphql \(GraphiQL in a browser\)$/);
    expect(out.text()).toMatch(/\] WARN: class Post is readable and writable by anyone\n\s+className: "Post"/);
    expect(out.text()).toMatch(/\] ERROR: unexpected error in a request\n/);
    expect(out.text()).toMatch(/Error: boom\n\s+at /);
    // No colour codes when the output is not a terminal, and no JSON lines.
    expect(out.text()).not.toContain('\u001b[');
    expect(lines.some((l) => l.startsWith('{'))).toBe(false);
  });

  it('hides secrets as the JSON format does', () => {
    const out = sink();
    createLogger('info', out.stream, 'pretty').warn(
      { headers: { 'x-parse-master-key': KEY, authorization: 'Bearer r:abc' }, user: { sessionToken: 'r:abc', password: 'hunter2' } },
      'refused',
    );
    expect(out.text()).toContain('[redacted]');
    for (const secret of [KEY, 'r:abc', 'hunter2']) expect(out.text()).not.toContain(secret);
  });

  it('respects the level', () => {
    const out = sink();
    const logger = createLogger('warn', out.stream, 'pretty');
    logger.info('not shown');
    logger.warn('shown');
    expect(out.text()).not.toContain('not shown');
    expect(out.text()).toContain('WARN: shown');
  });
});

describe('json format', () => {
  it('writes one JSON object per line (the default)', () => {
    const out = sink();
    const logger = createLogger('info', out.stream);
    logger.info({ url: 'http://x' }, 'Plinth is serving');
    logger.error({ err: new Error('boom') }, 'failed');
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'Plinth is serving', url: 'http://x' }),
      expect.objectContaining({ level: 50, msg: 'failed', err: expect.objectContaining({ message: 'boom' }) }),
    ]);
  });
});

describe('PLINTH_LOG_FORMAT', () => {
  const env = { PLINTH_MASTER_KEY: KEY, PLINTH_DATA_DIR: '/tmp/plinth-test-unused' };
  it('defaults to text in development at a terminal, JSON lines when the output is not a terminal', () => {
    expect(loadOpsConfig({}, false, {}, true).logFormat).toBe('pretty');
    expect(loadOpsConfig({}, false, {}, false).logFormat).toBe('json');
  });

  it('defaults to JSON lines in production, terminal or not', () => {
    expect(loadOpsConfig({}, true, {}, true).logFormat).toBe('json');
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).ops.logFormat).toBe('json');
  });

  it('forces either format', () => {
    expect(loadOpsConfig({ PLINTH_LOG_FORMAT: 'json' }, false, {}, true).logFormat).toBe('json');
    expect(loadOpsConfig({ PLINTH_LOG_FORMAT: 'pretty' }, true, {}, false).logFormat).toBe('pretty');
    expect(loadConfig({ ...env, PLINTH_LOG_FORMAT: 'PRETTY' }).ops.logFormat).toBe('pretty');
    expect(() => loadConfig({ ...env, PLINTH_LOG_FORMAT: 'xml' })).toThrow('PLINTH_LOG_FORMAT must be one of json, pretty, got "xml"');
  });

  it('leaves tests quiet: NODE_ENV=test logs nothing unless PLINTH_LOG_LEVEL says otherwise', () => {
    expect(loadConfig({ ...env, NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ ...env, NODE_ENV: 'test', PLINTH_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });
});
