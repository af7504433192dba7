// Types of redis-connector's JavaScript client. The error codes and the reply shapes follow /openapi.json (a test
// checks the codes against the server's document).

/** A reply as the native API maps it: strings, numbers, null, booleans, arrays, objects (RESP3 maps with string
 * keys), `[key, value]` pairs (other maps), `"inf"`/`"-inf"`/`"nan"` for infinite doubles, and `{ error }` for an
 * error inside an array (EXEC, scripts). In base64 mode every string is a `Uint8Array` instead. */
export type Reply =
  | string
  | number
  | boolean
  | null
  | Reply[]
  | { [key: string]: Reply }
  | { error: string };

export type BinaryReply =
  | Uint8Array
  | number
  | boolean
  | null
  | 'inf' | '-inf' | 'nan'
  | BinaryReply[]
  | { [key: string]: BinaryReply }
  | { error: string };

/** Codes the server answers with (the ErrorCode schema of /openapi.json). */
export type ServerErrorCode =
  | 'NOT_LOGGED_IN' | 'COMMAND_REQUIRED' | 'INVALID_REQUEST' | 'COMMAND_NOT_ALLOWED' | 'RATE_LIMITED'
  | 'NO_REDIS_SERVICE' | 'NO_CREDENTIALS' | 'REGISTRY_UNAVAILABLE' | 'REDIS_ERROR' | 'REDIS_UNAVAILABLE'
  | 'REDIS_AUTH_FAILED' | 'TIMEOUT' | 'TRANSACTION_ABORTED' | 'POOL_EXHAUSTED' | 'RESULT_TOO_LARGE' | 'INTERNAL'
  | 'NOT_FOUND' | 'UNAUTHORIZED' | 'METHOD_NOT_ALLOWED' | 'SERVER_UNAVAILABLE' | 'BAD_RESPONSE';

/** Codes the client raises itself, when no answer came. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'CLIENT_TIMEOUT' | 'ABORTED';

export type ErrorCode = ServerErrorCode | ClientErrorCode;

export type Step =
  | 'session' | 'command' | 'policy' | 'service' | 'credentials' | 'execution' | 'http' | 'admin' | 'client';

export declare const ERROR_CODES: readonly ServerErrorCode[];

export declare class RedisConnectorError extends Error {
  readonly name: 'RedisConnectorError';
  /** What went wrong (the server's code, or a client one when no answer came). */
  readonly code: ErrorCode;
  /** The step that failed. */
  readonly step: Step;
  /** The HTTP status; 0 when no answer came. */
  readonly status: number;
  /** The server's X-Request-Id, to find the request in its log. */
  readonly requestId?: string;
  /** From Retry-After (RATE_LIMITED, POOL_EXHAUSTED). */
  readonly retryAfterSeconds?: number;
}

export type Arg = string | number | boolean | Uint8Array | ArrayBuffer;

export interface Options {
  /** `base64`: arguments are sent as bytes (strings as UTF-8) and every string of the reply is a Uint8Array. */
  encoding?: 'utf8' | 'base64';
  /** A lower server-side timeout for this request (it never raises the service's own). */
  timeoutMs?: number;
  /** Redis Cluster: let an MSET over several slots be split by slot (each part atomic, the whole not). */
  splitAcrossSlots?: boolean;
  /** How long the client waits for an answer (default: the configured timeoutMs, 30 s). */
  clientTimeoutMs?: number;
}

export interface Inputs {
  command: string;
  args?: Arg[];
}

export interface Request {
  inputs: Inputs;
  options?: Options;
  signal?: AbortSignal;
}

export interface Config {
  /** e.g. `http://127.0.0.1:8080` (default: REDIS_CONNECTOR_URL). */
  baseUrl?: string;
  /** A session token, or a function returning one (called per request). Default: REDIS_CONNECTOR_TOKEN. */
  token?: string | (() => string | Promise<string>);
  /** How long to wait for an answer, in ms (default 30000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

export interface Message {
  channel: string;
  message: string;
  /** Set for pattern subscriptions. */
  pattern?: string;
}

export interface BinaryMessage {
  channel: string;
  message: Uint8Array;
  pattern?: string;
}

export interface BatchOptions {
  options?: Options;
  signal?: AbortSignal;
}

export interface RedisConnector {
  (request: Request & { options: Options & { encoding: 'base64' } }): Promise<{ output1: BinaryReply }>;
  (request: Request): Promise<{ output1: Reply }>;
  /** Commands in order on the client's connection, not atomically; a failed command has its error in its place. */
  pipeline(commands: Inputs[], options?: BatchOptions): Promise<{ output1: (Reply | RedisConnectorError)[] }>;
  /** MULTI/EXEC on a dedicated connection, after WATCH of `watch`; TRANSACTION_ABORTED when a watched key changed. */
  transaction(commands: Inputs[], options?: BatchOptions & { watch?: Arg[] }):
    Promise<{ output1: (Reply | RedisConnectorError)[] }>;
  subscribe(request: { channels?: string[]; patterns?: string[]; encoding: 'base64'; signal?: AbortSignal }):
    AsyncGenerator<BinaryMessage, void, undefined>;
  subscribe(request: { channels?: string[]; patterns?: string[]; encoding?: 'utf8'; signal?: AbortSignal }):
    AsyncGenerator<Message, void, undefined>;
}

/** Sets the configuration the module-level `redisConnector` uses. */
export declare function configure(config: Config): void;

/** A connector with its own configuration (per session or per tenant). */
export declare function createRedisConnector(config?: Config): RedisConnector;

/** The platform's call shape: `await redisConnector({ inputs: { command, args } })` -> `{ output1 }`. */
export declare const redisConnector: RedisConnector;

export default redisConnector;
