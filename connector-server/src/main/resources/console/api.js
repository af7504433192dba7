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
  return request('POST', path, body, token());
}

/** GET a path of this server with the session token. */
export async function get(path) {
  return request('GET', path, undefined, token());
}

/** One command through /v1/redis/execute: resolves with output1. */
export async function execute(command, args = [], options = undefined) {
  return (await post('/v1/redis/execute', options ? { inputs: { command, args }, options } : { inputs: { command, args } }))
    .output1;
}

/**
 * A request to this server with a bearer token (the session's or the operator's): resolves with the parsed JSON
 * answer (`null` for an empty one), rejects with an ApiError carrying the server's code and step ({@code step} when
 * the answer names none).
 */
export async function request(method, path, body, bearer, step = 'http') {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError('NETWORK_ERROR', 'client', 0, 'The server could not be reached.');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    if (response.ok) throw new ApiError('BAD_RESPONSE', 'client', response.status, `The server answered ${response.status}.`);
  }
  if (!response.ok) {
    const error = (json && json.error) || {};
    throw new ApiError(error.code || 'BAD_RESPONSE', error.step || step, response.status,
      error.message || `The server answered ${response.status}.`);
  }
  return json;
}
