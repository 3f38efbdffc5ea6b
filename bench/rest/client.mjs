// A small Parse REST client on node:http with a keep-alive pool (no dependency, so that the REST
// bench runs without bench/node_modules). Every request carries the app id and the master key.
import http from 'node:http';

export class RestError extends Error {
  constructor(message, { status, text } = {}) {
    super(message);
    this.status = status;
    this.text = text;
  }
}

/**
 * `url` is the REST root (`http://host:port/parse`). `raw(method, path, body)` resolves with
 * `{ status, text }` for any status; `json(...)` parses and throws a RestError on a status ≥ 400.
 */
export function createRestClient({ url, appId, masterKey, connections = 32, extraHeaders = {} }) {
  const root = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, keepAliveMsecs: 30_000 });
  const base = root.pathname.replace(/\/+$/, '');
  const headers = { 'X-Parse-Application-Id': appId, ...(masterKey ? { 'X-Parse-Master-Key': masterKey } : {}), ...extraHeaders };

  function raw(method, path, body, moreHeaders) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const h = { ...headers, ...moreHeaders };
      if (payload !== undefined) {
        h['Content-Type'] = 'application/json';
        h['Content-Length'] = Buffer.byteLength(payload);
      }
      const req = http.request({ agent, host: root.hostname, port: root.port, method, path: `${base}/${path}`, headers: h }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async function json(method, path, body, moreHeaders) {
    const { status, text } = await raw(method, path, body, moreHeaders);
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new RestError(`${method} ${path}: HTTP ${status}, not JSON: ${text.slice(0, 200)}`, { status, text });
    }
    if (status >= 400) throw new RestError(`${method} ${path}: HTTP ${status} ${text.slice(0, 300)}`, { status, text });
    return parsed;
  }

  return { raw, json, close: () => agent.destroy() };
}
