// redis-connector's JavaScript client: the platform's own call shape, no runtime dependencies (fetch, Node 18+ and
// browsers).
//
//   const response = await redisConnector({ inputs: { command: 'SET', args: ['order:12345', 'delivered'] } });
//   console.log(response.output1);

/** Every error code the server answers with (the same list as /openapi.json's ErrorCode). */
export const ERROR_CODES = Object.freeze([
  'NOT_LOGGED_IN', 'COMMAND_REQUIRED', 'INVALID_REQUEST', 'COMMAND_NOT_ALLOWED', 'RATE_LIMITED',
  'NO_REDIS_SERVICE', 'NO_CREDENTIALS', 'REGISTRY_UNAVAILABLE', 'REDIS_ERROR', 'REDIS_UNAVAILABLE',
  'REDIS_AUTH_FAILED', 'TIMEOUT', 'TRANSACTION_ABORTED', 'POOL_EXHAUSTED', 'RESULT_TOO_LARGE', 'INTERNAL',
  'NOT_FOUND', 'UNAUTHORIZED', 'METHOD_NOT_ALLOWED', 'SERVER_UNAVAILABLE', 'BAD_RESPONSE',
]);

/**
 * What went wrong, as the server said it: `code` (one of ERROR_CODES, or a client-side `NETWORK_ERROR`,
 * `CLIENT_TIMEOUT`, `ABORTED`, `BAD_RESPONSE`), `step` (session, command, policy, service, credentials, execution,
 * http, admin, client), `status` (HTTP status, 0 when no answer came) and `message`.
 */
export class RedisConnectorError extends Error {
  constructor({ code, step, status, message, requestId, retryAfterSeconds, cause }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RedisConnectorError';
    this.code = code;
    this.step = step;
    this.status = status;
    if (requestId !== undefined) this.requestId = requestId;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

const defaults = { baseUrl: undefined, token: undefined, timeoutMs: 30000, fetch: undefined, headers: undefined };

/**
 * Sets what the module-level `redisConnector` uses: `baseUrl` (e.g. `http://127.0.0.1:8080`), `token` (a session
 * token, or a function, possibly async, returning one: called per request, so a refreshed token is picked up),
 * `timeoutMs` (per request, default 30 s), `fetch` (default: the global one), `headers` (extra headers).
 * Without it, Node reads REDIS_CONNECTOR_URL and REDIS_CONNECTOR_TOKEN from the environment.
 */
export function configure(config) {
  Object.assign(defaults, config);
}

/** A connector with its own configuration (one per session or per tenant): the same call shape as `redisConnector`. */
export function createRedisConnector(config = {}) {
  const resolve = () => {
    const env = typeof process !== 'undefined' && process.env ? process.env : {};
    return {
      baseUrl: config.baseUrl ?? defaults.baseUrl ?? env.REDIS_CONNECTOR_URL,
      token: config.token ?? defaults.token ?? env.REDIS_CONNECTOR_TOKEN,
      timeoutMs: config.timeoutMs ?? defaults.timeoutMs,
      fetch: config.fetch ?? defaults.fetch ?? globalThis.fetch,
      headers: { ...(defaults.headers ?? {}), ...(config.headers ?? {}) },
    };
  };

  /** `{ inputs: { command, args }, options: { encoding, timeoutMs }, signal }` -> `{ output1 }`. */
  async function call(request) {
    if (request === null || typeof request !== 'object' || request.inputs === null
        || typeof request.inputs !== 'object') {
      throw clientError('INVALID_REQUEST', 'command', 'Call it as redisConnector({ inputs: { command, args } }).');
    }
    const { command, args = [] } = request.inputs;
    const options = request.options ?? {};
    const binary = options.encoding === 'base64';
    const body = {
      inputs: { command, args: binary ? args.map(toBase64) : args },
      options: wireOptions(options),
    };
    const answer = await post(resolve(), '/v1/redis/execute', body, options, request.signal);
    return { output1: binary ? fromBase64Deep(answer.output1) : answer.output1 };
  }

  /**
   * Several commands in one request, in order, not atomically: `{ output1: [reply | RedisConnectorError, ...] }`.
   * A command that failed has its error in its place; the others still ran.
   */
  call.pipeline = async (commands, { options = {}, signal } = {}) => {
    const answer = await post(resolve(), '/v1/redis/pipeline', batchBody(commands, options), options, signal);
    return { output1: perCommand(answer.output1, options) };
  };

  /**
   * Commands as one Redis transaction (MULTI/EXEC), after WATCH of `watch` keys: `{ output1: [...] }` as for a
   * pipeline; it throws TRANSACTION_ABORTED when a watched key changed (nothing ran).
   */
  call.transaction = async (commands, { watch, options = {}, signal } = {}) => {
    const body = batchBody(commands, options);
    if (watch) body.inputs.watch = options.encoding === 'base64' ? watch.map(toBase64) : watch;
    const answer = await post(resolve(), '/v1/redis/transaction', body, options, signal);
    return { output1: perCommand(answer.output1, options) };
  };

  /**
   * Pub/sub over Server-Sent Events as an async iterator of `{ channel, message, pattern? }`:
   * `for await (const m of redisConnector.subscribe({ channels: ['orders'] })) { ... }`. Ends when the server ends
   * the stream, when `signal` aborts, or when the loop breaks (the HTTP request is closed then).
   */
  call.subscribe = ({ channels, patterns, encoding, signal } = {}) => subscribe(resolve(), {
    channels, patterns, encoding, signal,
  });

  return call;
}

/** The platform's call shape, on the module-level configuration (see `configure`). */
export const redisConnector = createRedisConnector();

export default redisConnector;

// --- internals ---------------------------------------------------------------------------------------------------

function wireOptions(options) {
  const wire = {};
  if (options.encoding !== undefined) wire.encoding = options.encoding;
  if (options.timeoutMs !== undefined) wire.timeoutMs = options.timeoutMs;
  if (options.splitAcrossSlots !== undefined) wire.splitAcrossSlots = options.splitAcrossSlots;
  return wire;
}

function batchBody(commands, options) {
  if (!Array.isArray(commands)) {
    throw clientError('INVALID_REQUEST', 'command', 'Pass an array of { command, args } objects.');
  }
  const binary = options.encoding === 'base64';
  return {
    inputs: {
      commands: commands.map((c) => ({ command: c.command, args: binary ? (c.args ?? []).map(toBase64) : (c.args ?? []) })),
    },
    options: wireOptions(options),
  };
}

function perCommand(results, options) {
  const binary = options.encoding === 'base64';
  return results.map((result) => {
    if (result !== null && typeof result === 'object' && !Array.isArray(result)
        && typeof result.error === 'string' && typeof result.code === 'string') {
      return new RedisConnectorError({ code: result.code, step: 'execution', status: 200, message: result.error });
    }
    return binary ? fromBase64Deep(result) : result;
  });
}

async function headersFor(config) {
  if (!config.baseUrl) {
    throw clientError('INVALID_REQUEST', 'client',
      'No server: call configure({ baseUrl, token }) or set REDIS_CONNECTOR_URL.');
  }
  const token = typeof config.token === 'function' ? await config.token() : config.token;
  if (!token) {
    throw clientError('NOT_LOGGED_IN', 'session',
      'No session token: call configure({ baseUrl, token }) or set REDIS_CONNECTOR_TOKEN.');
  }
  return { ...config.headers, authorization: `Bearer ${token}` };
}

/** A signal that aborts on the caller's signal or after timeoutMs, and which of the two it was. */
function deadline(timeoutMs, signal) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs) : undefined;
  const onAbort = () => controller.abort();
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); },
  };
}

async function post(config, path, body, options, signal) {
  const headers = await headersFor(config);
  const timeoutMs = options.clientTimeoutMs ?? config.timeoutMs;
  const limit = deadline(timeoutMs, signal);
  let response;
  let text;
  try {
    response = await config.fetch(url(config.baseUrl, path), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: limit.signal,
    });
    text = await response.text();
  } catch (e) {
    throw transportError(e, limit, timeoutMs);
  } finally {
    limit.done();
  }
  return parse(response, text);
}

function parse(response, text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RedisConnectorError({
      code: 'BAD_RESPONSE', step: 'client', status: response.status,
      message: `The server answered ${response.status} with a body that is not JSON.`, cause: e,
    });
  }
  if (!response.ok || (json && json.error)) {
    const error = json && typeof json.error === 'object' && json.error !== null ? json.error : {};
    const retryAfter = response.headers.get('retry-after');
    throw new RedisConnectorError({
      code: error.code ?? 'BAD_RESPONSE',
      step: error.step ?? 'http',
      status: response.status,
      message: error.message ?? `The server answered ${response.status}.`,
      requestId: response.headers.get('x-request-id') ?? undefined,
      retryAfterSeconds: retryAfter === null ? undefined : Number(retryAfter),
    });
  }
  return json;
}

function transportError(e, limit, timeoutMs) {
  if (e instanceof RedisConnectorError) return e;
  if (limit.timedOut()) {
    return new RedisConnectorError({
      code: 'CLIENT_TIMEOUT', step: 'client', status: 0, cause: e,
      message: `No answer within ${timeoutMs} ms; the command may or may not have run.`,
    });
  }
  if (e && e.name === 'AbortError') {
    return new RedisConnectorError({
      code: 'ABORTED', step: 'client', status: 0, cause: e,
      message: 'The request was aborted; the command may or may not have run.',
    });
  }
  return new RedisConnectorError({
    code: 'NETWORK_ERROR', step: 'client', status: 0, cause: e,
    message: `The server could not be reached: ${e && e.cause && e.cause.code ? e.cause.code : (e && e.message)}.`,
  });
}

function url(baseUrl, path) {
  return baseUrl.replace(/\/+$/, '') + path;
}

function clientError(code, step, message) {
  return new RedisConnectorError({ code, step, status: 0, message });
}

const encoder = new TextEncoder();

/** An argument as base64: strings as their UTF-8 bytes, Uint8Array/ArrayBuffer as they are, numbers as text. */
function toBase64(value) {
  let bytes;
  if (value instanceof Uint8Array) bytes = value;
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else bytes = encoder.encode(String(value));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Every string of a base64-mode reply as bytes (object keys stay strings: they are decoded as UTF-8 text). */
function fromBase64Deep(value) {
  if (typeof value === 'string') {
    return value === 'inf' || value === '-inf' || value === 'nan' ? value : fromBase64(value);
  }
  if (Array.isArray(value)) return value.map(fromBase64Deep);
  if (value !== null && typeof value === 'object') {
    if (typeof value.error === 'string' && Object.keys(value).length <= 2) return value;
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      out[new TextDecoder().decode(fromBase64(key))] = fromBase64Deep(inner);
    }
    return out;
  }
  return value;
}

async function* subscribe(config, { channels, patterns, encoding, signal }) {
  const names = patterns ?? channels;
  if (!Array.isArray(names) || names.length === 0 || (patterns && channels)) {
    throw clientError('INVALID_REQUEST', 'command', 'Pass channels: [...] or patterns: [...] (one of the two).');
  }
  const query = new URLSearchParams();
  for (const name of names) query.append(patterns ? 'pattern' : 'channel', name);
  if (encoding) query.set('encoding', encoding);
  const headers = await headersFor(config);
  const limit = deadline(0, signal);
  let response;
  try {
    response = await config.fetch(`${url(config.baseUrl, '/v1/redis/subscribe')}?${query}`, {
      headers: { ...headers, accept: 'text/event-stream' },
      signal: limit.signal,
    });
  } catch (e) {
    limit.done();
    throw transportError(e, limit, 0);
  }
  if (!response.ok) {
    const text = await response.text();
    limit.done();
    parse(response, text);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (signal?.aborted) return;
        throw transportError(e, limit, 0);
      }
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event.type === 'message' && event.data) {
          const message = JSON.parse(event.data);
          yield encoding === 'base64' ? { ...message, message: fromBase64(message.message) } : message;
        } else if (event.type === 'error' && event.data) {
          const error = JSON.parse(event.data).error ?? {};
          throw new RedisConnectorError({
            code: error.code ?? 'REDIS_UNAVAILABLE', step: error.step ?? 'execution', status: 200,
            message: error.message ?? 'The subscription ended with an error.',
          });
        } else if (event.type === 'end') {
          return;
        }
      }
    }
  } finally {
    limit.done();
    reader.cancel().catch(() => {});
  }
}

function parseEvent(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  return { type, data: data.join('\n') };
}
