// The console talks only to the public HTTP API, with the token kept in sessionStorage (this tab only).
const TOKEN_KEY = 'rc.console.session';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An error the server (or the network) gave: code, step, status, message. */
export class ApiError extends Error {
  constructor(code, step, status, message) {
    super(message);
    this.code = code;
    this.step = step;
    this.status = status;
  }
}

/** POST a JSON body to a path of this server with the session token; resolves with the parsed answer. */
export async function post(path, body) {
  return send(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** GET a path of this server with the session token. */
export async function get(path) {
  return send(path, { headers: { authorization: `Bearer ${token()}` } });
}

/** One command through /v1/redis/execute: resolves with output1. */
export async function execute(command, args = [], options = undefined) {
  return (await post('/v1/redis/execute', options ? { inputs: { command, args }, options } : { inputs: { command, args } }))
    .output1;
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError('NETWORK_ERROR', 'client', 0, 'The server could not be reached.');
  }
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    throw new ApiError('BAD_RESPONSE', 'client', response.status, `The server answered ${response.status}.`);
  }
  if (!response.ok) {
    const error = (json && json.error) || {};
    throw new ApiError(error.code || 'BAD_RESPONSE', error.step || 'http', response.status,
      error.message || `The server answered ${response.status}.`);
  }
  return json;
}
