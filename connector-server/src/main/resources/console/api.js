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
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
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
