// Runs against a real redis-connector (JsClientIT starts one, with Redis and a registry, and sets these):
//   REDIS_CONNECTOR_URL, REDIS_CONNECTOR_TOKEN (read-write session), RC_READONLY_TOKEN (read-only session of the same
//   client), RC_OTHER_TOKEN (a session of another client, whose policy denies FLUSHALL and KEYS)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ERROR_CODES, RedisConnectorError, configure, createRedisConnector, redisConnector,
} from '../src/index.js';

const baseUrl = process.env.REDIS_CONNECTOR_URL;
const token = process.env.REDIS_CONNECTOR_TOKEN;
if (!baseUrl || !token) {
  throw new Error('Set REDIS_CONNECTOR_URL and REDIS_CONNECTOR_TOKEN (JsClientIT does) to run these tests.');
}

test("the platform docs' snippet runs verbatim", async () => {
  const logged = [];
  const console = { log: (value) => logged.push(value) };
  // --- verbatim from the platform's documentation ---
  const response = await redisConnector({ inputs: { command: 'SET', args: ['order:12345', 'delivered'] } });
  console.log(response.output1);
  // ---
  assert.deepEqual(logged, ['OK']);
  assert.deepEqual(Object.keys(response), ['output1']);
  const read = await redisConnector({ inputs: { command: 'GET', args: ['order:12345'] } });
  assert.equal(read.output1, 'delivered');
});

test('replies keep their JSON shapes: numbers, null, arrays, maps as objects', async () => {
  await redisConnector({ inputs: { command: 'DEL', args: ['js:h', 'js:l', 'js:n'] } });
  assert.equal((await redisConnector({ inputs: { command: 'INCRBY', args: ['js:n', 41] } })).output1, 41);
  assert.equal((await redisConnector({ inputs: { command: 'GET', args: ['js:missing'] } })).output1, null);
  await redisConnector({ inputs: { command: 'RPUSH', args: ['js:l', 'a', 'b'] } });
  assert.deepEqual((await redisConnector({ inputs: { command: 'LRANGE', args: ['js:l', 0, -1] } })).output1, ['a', 'b']);
  await redisConnector({ inputs: { command: 'HSET', args: ['js:h', 'f', 'v', 'g', 'w'] } });
  assert.deepEqual((await redisConnector({ inputs: { command: 'HGETALL', args: ['js:h'] } })).output1, { f: 'v', g: 'w' });
  assert.equal((await redisConnector({ inputs: { command: 'EXISTS', args: ['js:h'] } })).output1, 1);
});

test('errors carry code, step, status and message', async () => {
  await redisConnector({ inputs: { command: 'SET', args: ['js:s', 'text'] } });
  await assert.rejects(redisConnector({ inputs: { command: 'INCR', args: ['js:s'] } }), (e) => {
    assert.ok(e instanceof RedisConnectorError);
    assert.equal(e.name, 'RedisConnectorError');
    assert.equal(e.code, 'REDIS_ERROR');
    assert.equal(e.step, 'execution');
    assert.equal(e.status, 422);
    assert.match(e.message, /not an integer/);
    assert.ok(e.requestId);
    return true;
  });
  await assert.rejects(redisConnector({ inputs: { command: 'SELECT', args: [1] } }),
    { code: 'COMMAND_NOT_ALLOWED', step: 'policy', status: 403 });
  await assert.rejects(redisConnector({ inputs: { command: '' } }), { code: 'COMMAND_REQUIRED', status: 400 });
  await assert.rejects(redisConnector({ inputs: { command: 'SET', args: [{ nested: true }] } }),
    { code: 'INVALID_REQUEST', status: 400 });
  const stranger = createRedisConnector({ baseUrl, token: 'rcs_not-a-real-token' });
  await assert.rejects(stranger({ inputs: { command: 'PING' } }), { code: 'NOT_LOGGED_IN', step: 'session', status: 401 });
  await assert.rejects(redisConnector(undefined), { code: 'INVALID_REQUEST', step: 'command', status: 0 });
});

test('a read-only session is refused writes, and another client has its own policy', async () => {
  const readOnly = createRedisConnector({ baseUrl, token: process.env.RC_READONLY_TOKEN });
  assert.equal((await readOnly({ inputs: { command: 'GET', args: ['order:12345'] } })).output1, 'delivered');
  await assert.rejects(readOnly({ inputs: { command: 'SET', args: ['order:12345', 'lost'] } }),
    { code: 'COMMAND_NOT_ALLOWED', step: 'policy', status: 403 });
  const other = createRedisConnector({ baseUrl, token: () => Promise.resolve(process.env.RC_OTHER_TOKEN) });
  await assert.rejects(other({ inputs: { command: 'FLUSHALL' } }), { code: 'COMMAND_NOT_ALLOWED' });
  // the other client's Redis database is its own: it does not see this client's key
  assert.equal((await other({ inputs: { command: 'GET', args: ['order:12345'] } })).output1, null);
});

test('pipeline: per-command results, a failed command in its place', async () => {
  const { output1 } = await redisConnector.pipeline([
    { command: 'SET', args: ['js:p', 'v'] },
    { command: 'GET', args: ['js:p'] },
    { command: 'LPUSH', args: ['js:p', 'x'] },
    { command: 'SELECT', args: [2] },
  ]);
  assert.equal(output1[0], 'OK');
  assert.equal(output1[1], 'v');
  assert.ok(output1[2] instanceof RedisConnectorError);
  assert.equal(output1[2].code, 'REDIS_ERROR');
  assert.match(output1[2].message, /WRONGTYPE/);
  assert.equal(output1[3].code, 'COMMAND_NOT_ALLOWED');
});

test('transaction: atomic results, and TRANSACTION_ABORTED when a watched key changes', async () => {
  await redisConnector({ inputs: { command: 'SET', args: ['js:stock', 10] } });
  const { output1 } = await redisConnector.transaction([
    { command: 'DECRBY', args: ['js:stock', 3] },
    { command: 'RPUSH', args: ['js:orders', 'o1'] },
  ], { watch: ['js:stock'] });
  assert.equal(output1[0], 7);
  assert.equal(typeof output1[1], 'number');
  await assert.rejects(redisConnector.transaction([{ command: 'GET', args: ['js:stock'] }, { command: 'SELECT', args: [1] }]),
    { code: 'COMMAND_NOT_ALLOWED', status: 403 });
  assert.equal((await redisConnector({ inputs: { command: 'GET', args: ['js:stock'] } })).output1, '7');
});

test('base64 mode: any bytes in, Uint8Array out', async () => {
  const bytes = new Uint8Array([0, 255, 1, 254, 10, 13]);
  const set = await redisConnector({ inputs: { command: 'SET', args: ['js:bin', bytes] }, options: { encoding: 'base64' } });
  assert.deepEqual(set.output1, new TextEncoder().encode('OK'));
  const got = await redisConnector({ inputs: { command: 'GET', args: ['js:bin'] }, options: { encoding: 'base64' } });
  assert.ok(got.output1 instanceof Uint8Array);
  assert.deepEqual([...got.output1], [...bytes]);
  const strlen = await redisConnector({ inputs: { command: 'STRLEN', args: ['js:bin'] }, options: { encoding: 'base64' } });
  assert.equal(strlen.output1, 6);
});

test('timeouts and AbortSignal end the call with a clear code', async () => {
  const slow = createRedisConnector({ baseUrl, token, timeoutMs: 200 });
  await assert.rejects(slow({ inputs: { command: 'BLPOP', args: ['js:never', 5] } }),
    { code: 'CLIENT_TIMEOUT', step: 'client', status: 0 });
  const controller = new AbortController();
  const pending = redisConnector({ inputs: { command: 'BLPOP', args: ['js:never', 5] }, signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(pending, { code: 'ABORTED', step: 'client' });
  const server = await redisConnector({ inputs: { command: 'BLPOP', args: ['js:never', 1] }, options: { timeoutMs: 300 } })
    .catch((e) => e);
  // the server caps the block below its own timeout: either a nil reply or its TIMEOUT, never a hang
  assert.ok(server.output1 === null || server.code === 'TIMEOUT', String(server));
  const nowhere = createRedisConnector({ baseUrl: 'http://127.0.0.1:1', token });
  await assert.rejects(nowhere({ inputs: { command: 'PING' } }), { code: 'NETWORK_ERROR', status: 0 });
});

test('subscribe: an async iterator of messages over SSE', async () => {
  const controller = new AbortController();
  const received = [];
  const stream = redisConnector.subscribe({ channels: ['js:news'], signal: controller.signal });
  const reading = (async () => {
    for await (const message of stream) {
      received.push(message);
      if (received.length === 2) break;
    }
  })();
  // publish until the subscription is up and both messages arrived
  for (let i = 0; i < 50 && received.length < 2; i++) {
    await redisConnector({ inputs: { command: 'PUBLISH', args: ['js:news', `m${i}`] } });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await reading;
  controller.abort();
  assert.equal(received.length, 2);
  assert.equal(received[0].channel, 'js:news');
  assert.match(received[0].message, /^m\d+$/);
  await assert.rejects(async () => {
    for await (const ignored of redisConnector.subscribe({})) { /* never */ }
  }, { code: 'INVALID_REQUEST' });
});

test('the error codes and the reply/error schemas match the server\'s /openapi.json', async () => {
  const openapi = await (await fetch(`${baseUrl}/openapi.json`)).json();
  const codes = openapi.components.schemas.ErrorCode.enum;
  assert.deepEqual([...ERROR_CODES].sort(), [...codes].sort());
  const typesFile = await import('node:fs').then((fs) => fs.readFileSync(new URL('../src/index.d.ts', import.meta.url), 'utf8'));
  const union = typesFile.match(/export type ServerErrorCode =([^;]*);/)[1];
  const declared = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual(declared.sort(), [...codes].sort());
  const error = openapi.components.schemas.Error.properties.error.properties;
  for (const field of ['code', 'step', 'message']) assert.ok(error[field], `Error.error.${field} in the document`);
});

test('configure() sets the module-level connector; a token function is called per request', async () => {
  let calls = 0;
  configure({ baseUrl, token: async () => { calls += 1; return token; } });
  try {
    assert.equal((await redisConnector({ inputs: { command: 'PING' } })).output1, 'PONG');
    assert.equal((await redisConnector({ inputs: { command: 'PING' } })).output1, 'PONG');
    assert.equal(calls, 2);
  } finally {
    configure({ baseUrl: undefined, token: undefined });
  }
});
