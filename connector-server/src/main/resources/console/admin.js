// Operator pages over the admin API (admin token in sessionStorage, this tab only): services and credentials,
// connection tests rendered step by step, sessions, the audit trail and a live overview from /metrics.
import { $, el } from './dom.js';
import { ApiError, request } from './api.js';

const ADMIN_KEY = 'rc.console.admin';

export function adminToken() {
  return sessionStorage.getItem(ADMIN_KEY);
}

export function setAdminToken(value) {
  sessionStorage.setItem(ADMIN_KEY, value);
}

export function forgetAdminToken() {
  sessionStorage.removeItem(ADMIN_KEY);
}

/** A call to the admin API with the admin token: resolves with the JSON answer, rejects with an ApiError. */
export async function admin(method, path, body) {
  return request(method, path, body, adminToken(), 'admin');
}

let onError = () => {};

export function setupAdmin(errorHandler) {
  onError = errorHandler;
  $('svc-mode').addEventListener('change', showModeFields);
  $('service-form').addEventListener('submit', (event) => { event.preventDefault(); saveService().catch(fail('services-status')); });
  for (const id of ['pol-mode', 'pol-allow', 'pol-deny', 'pol-prefixes', 'pol-scripting']) {
    $(id).addEventListener('input', previewPolicy);
    $(id).addEventListener('change', previewPolicy);
  }
  $('cred-form').addEventListener('submit', (event) => { event.preventDefault(); setCredentials('password').catch(fail('services-status')); });
  $('cred-none').addEventListener('click', () => setCredentials('none').catch(fail('services-status')));
  $('cred-delete').addEventListener('click', () => deleteCredentials().catch(fail('services-status')));
  $('session-form').addEventListener('submit', (event) => { event.preventDefault(); issueSession().catch(fail('sessions-status')); });
  $('issued-copy').addEventListener('click', () => navigator.clipboard?.writeText($('issued-token').value));
  $('audit-form').addEventListener('submit', (event) => { event.preventDefault(); searchAudit().catch(fail('audit-status')); });
  showModeFields();
  previewPolicy();
}

function fail(statusId) {
  return (e) => {
    if (e instanceof ApiError && e.code === 'UNAUTHORIZED') {
      onError(e);
      return;
    }
    $(statusId).textContent = `${e.code}${e.step ? ` at ${e.step}` : ''}: ${e.message}`;
  };
}

/** Called when a page is shown. */
export function enterPage(page) {
  stopOverview();
  if (page === 'services') loadServices().catch(fail('services-status'));
  else if (page === 'sessions') loadSessions().catch(fail('sessions-status'));
  else if (page === 'audit') searchAudit().catch(fail('audit-status'));
  else if (page === 'overview') startOverview();
}

// --- services ------------------------------------------------------------------------------------------------------

function showModeFields() {
  const mode = $('svc-mode').value;
  document.querySelectorAll('#service-form [data-mode]').forEach((row) => {
    row.hidden = !row.dataset.mode.split(' ').includes(mode);
  });
}

function list(value) {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

function policy() {
  const out = { mode: $('pol-mode').value, scripting: $('pol-scripting').checked };
  if (list($('pol-allow').value).length) out.allow = list($('pol-allow').value);
  if (list($('pol-deny').value).length) out.deny = list($('pol-deny').value);
  if (list($('pol-prefixes').value).length) out.keyPrefixes = list($('pol-prefixes').value);
  return out;
}

function previewPolicy() {
  const p = policy();
  const parts = [];
  parts.push(p.mode === 'read-only' ? 'only read commands run'
    : p.mode === 'custom' ? `only ${p.allow ? p.allow.join(', ') : '(name some commands)'} run`
      : `every command runs but @admin and @dangerous${p.allow ? ` (except ${p.allow.join(', ')})` : ''}`);
  if (p.deny) parts.push(`never ${p.deny.join(', ')}`);
  if (p.keyPrefixes) parts.push(`keys, channels and scripts only under ${p.keyPrefixes.map((k) => `${k}*`).join(', ')}`);
  parts.push(p.scripting ? 'scripts allowed once a Redis user confines them (see the ACL line)' : 'no scripts');
  $('policy-preview').textContent = `Effect: ${parts.join('; ')}.`;
}

async function readFile(input) {
  const file = input.files && input.files[0];
  return file ? file.text() : null;
}

async function saveService() {
  const client = $('svc-client').value.trim();
  const mode = $('svc-mode').value;
  const ca = await readFile($('svc-ca'));
  let body;
  if (mode === 'url') {
    body = { url: $('svc-url').value.trim() };
    if (ca) body.tlsCaCertificatePem = ca;
  } else {
    body = { mode, policy: policy() };
    if (mode === 'standalone') {
      body.host = $('svc-host').value.trim();
      body.port = Number($('svc-port').value);
      body.database = Number($('svc-db').value);
    } else {
      body.nodes = list($('svc-nodes').value);
      if (mode === 'sentinel') body.masterName = $('svc-master').value.trim();
    }
    if ($('svc-tls').checked) body.tls = { enabled: true, verifyHostname: $('svc-verify').checked, ...(ca ? { caCertificatePem: ca } : {}) };
  }
  const saved = await admin('PUT', `/v1/admin/clients/${encodeURIComponent(client)}/service`, body);
  $('services-status').textContent = `Saved ${saved.clientId} (version ${saved.version})${saved.warning ? `: ${saved.warning}` : ''}.`;
  $('cred-client').value = client;
  await loadServices();
}

async function setCredentials(kind) {
  const client = $('cred-client').value.trim();
  const body = kind === 'none' ? { kind: 'none' }
    : { kind: 'password', password: $('cred-password').value, ...($('cred-user').value.trim() ? { username: $('cred-user').value.trim() } : {}) };
  const certificate = await readFile($('cred-cert'));
  const key = await readFile($('cred-key'));
  if (certificate || key) body.tlsClient = { certificatePem: certificate, keyPem: key };
  await admin('PUT', `/v1/admin/clients/${encodeURIComponent(client)}/credentials`, body);
  $('cred-password').value = '';
  $('services-status').textContent = `Credentials of ${client} set (${kind === 'none' ? 'no password' : 'a password'}).`;
  await loadServices();
}

async function deleteCredentials() {
  const client = $('cred-client').value.trim();
  await admin('DELETE', `/v1/admin/clients/${encodeURIComponent(client)}/credentials`);
  $('services-status').textContent = `Credentials of ${client} deleted.`;
  await loadServices();
}

function address(service) {
  if (service.mode === 'standalone') return `${service.host}:${service.port}/${service.database}`;
  return `${service.masterName ? `${service.masterName} @ ` : ''}${(service.nodes || []).join(', ')}`;
}

async function loadServices() {
  const answer = await admin('GET', '/v1/admin/clients');
  const rows = $('services-table').tBodies[0];
  rows.replaceChildren();
  $('services-empty').hidden = answer.services.length > 0;
  for (const service of answer.services) {
    const test = el('button', { type: 'button', className: 'test', 'data-client': service.clientId, text: 'Test connection' });
    test.addEventListener('click', () => testConnection(service.clientId).catch(fail('services-status')));
    const edit = el('button', { type: 'button', text: 'Edit' });
    edit.addEventListener('click', () => fillForm(service));
    const health = el('span', { 'data-health': service.clientId, className: 'meta', text: 'not tested' });
    rows.append(el('tr', { 'data-client': service.clientId },
      el('td', { text: service.clientId }), el('td', { text: `${service.mode}${service.tls && service.tls.enabled ? ' + TLS' : ''}` }),
      el('td', { text: address(service) }),
      el('td', { text: service.credentials ? `${service.credentials.kind}${service.credentials.username ? ` (${service.credentials.username})` : ''}` : 'none stored' }),
      el('td', {}, health), el('td', {}, test, ' ', edit)));
  }
}

function fillForm(service) {
  $('svc-client').value = service.clientId;
  $('svc-mode').value = service.mode;
  $('svc-host').value = service.host || '';
  $('svc-port').value = service.port || '';
  $('svc-db').value = service.database || 0;
  $('svc-master').value = service.masterName || '';
  $('svc-nodes').value = (service.nodes || []).join(', ');
  $('svc-tls').checked = Boolean(service.tls && service.tls.enabled);
  $('svc-verify').checked = !service.tls || service.tls.verifyHostname;
  const p = service.policy || {};
  $('pol-mode').value = p.mode || 'read-write';
  $('pol-allow').value = (p.allow || []).join(', ');
  $('pol-deny').value = (p.deny || []).join(', ');
  $('pol-prefixes').value = (p.keyPrefixes || []).join(', ');
  $('pol-scripting').checked = Boolean(p.scripting);
  $('cred-client').value = service.clientId;
  showModeFields();
  previewPolicy();
  $('svc-client').focus();
}

/** The connection test, step by step: reachable, TLS, authenticated, version, role, latency, or the failure. */
async function testConnection(client) {
  const report = $('test-report');
  report.replaceChildren(el('p', { className: 'status', text: `Testing ${client}...` }));
  let answer;
  try {
    answer = await admin('POST', `/v1/admin/clients/${encodeURIComponent(client)}/test`);
  } catch (e) {
    answer = { ok: false, error: { code: e.code, step: e.step, message: e.message } };
  }
  const steps = el('ol', { className: 'steps', 'aria-label': `Connection test of ${client}` });
  const step = (ok, text) => steps.append(el('li', { className: ok ? 'ok' : 'failed', text }));
  if (answer.reachable !== undefined) step(answer.reachable, answer.reachable ? `reachable at ${answer.host}:${answer.port}` : 'not reachable');
  if (answer.tls && answer.tls.protocol) step(true, `TLS ${answer.tls.protocol}${answer.tls.peerSubject ? ` (${answer.tls.peerSubject})` : ''}`);
  if (answer.authenticated !== undefined) step(answer.authenticated, answer.authenticated ? 'authenticated' : 'not authenticated');
  if (answer.serverVersion) step(true, `Redis ${answer.serverVersion}, ${answer.role}, ${answer.mode}, ${answer.protocol}`);
  if (answer.currentMaster) step(true, `current master ${answer.currentMaster}`);
  if (answer.clusterState) step(answer.clusterState === 'ok', `cluster ${answer.clusterState}`);
  if (answer.latencyMs !== undefined) step(true, `latency ${answer.latencyMs} ms`);
  const error = answer.error || (answer.ok === false ? answer : null);
  if (error && (error.code || error.message)) step(false, `${error.code || 'FAILED'}${error.step ? ` at ${error.step}` : ''}: ${error.message || ''}`);
  const health = document.querySelector(`[data-health="${CSS.escape(client)}"]`);
  if (health) health.textContent = answer.ok ? `ok (${answer.latencyMs} ms)` : `failing: ${(error && error.code) || 'error'}`;
  report.replaceChildren(el('h3', { text: `Connection test: ${client}` }), steps);
}

// --- sessions ------------------------------------------------------------------------------------------------------

async function issueSession() {
  const body = { userId: $('ses-user').value.trim(), clientId: $('ses-client').value.trim(), ttlSeconds: Number($('ses-ttl').value),
    readOnly: $('ses-readonly').checked };
  const issued = await admin('POST', '/v1/admin/sessions', body);
  $('issued').hidden = false;
  $('issued-token').value = issued.token;
  $('issued-token').select();
  $('sessions-status').textContent = `Issued session ${issued.session.sessionId} for ${issued.session.userId}.`;
  await loadSessions();
}

async function loadSessions() {
  const client = $('ses-client').value.trim();
  const answer = await admin('GET', `/v1/admin/sessions${client ? `?clientId=${encodeURIComponent(client)}` : ''}`);
  const rows = $('sessions-table').tBodies[0];
  rows.replaceChildren();
  for (const s of answer.sessions) {
    const revoke = el('button', { type: 'button', className: 'revoke', 'data-session': s.sessionId, disabled: !s.live, text: 'Revoke' });
    revoke.addEventListener('click', async () => {
      try {
        await admin('DELETE', `/v1/admin/sessions/${encodeURIComponent(s.sessionId)}`);
        $('sessions-status').textContent = `Revoked ${s.sessionId}.`;
        await loadSessions();
      } catch (e) { fail('sessions-status')(e); }
    });
    rows.append(el('tr', { 'data-session': s.sessionId }, el('td', { text: s.sessionId }), el('td', { text: s.userId }),
      el('td', { text: s.clientId }), el('td', { text: s.readOnly ? 'yes' : 'no' }), el('td', { text: s.expiresAt }),
      el('td', { text: s.revokedAt ? 'revoked' : s.live ? 'live' : 'expired' }), el('td', {}, revoke)));
  }
}

// --- audit ---------------------------------------------------------------------------------------------------------

async function searchAudit() {
  const query = new URLSearchParams({ limit: '200' });
  for (const [param, id] of [['clientId', 'aud-client'], ['userId', 'aud-user'], ['outcome', 'aud-outcome'], ['since', 'aud-since']]) {
    if ($(id).value.trim()) query.set(param, $(id).value.trim());
  }
  const answer = await admin('GET', `/v1/admin/audit?${query}`);
  const rows = $('audit-table').tBodies[0];
  rows.replaceChildren(...answer.entries.map((e) => el('tr', {},
    ...[e.at, e.clientId, e.userId, e.command, e.keys, e.outcome, e.durationMs, e.instance].map((v) => el('td', { text: v === null || v === undefined ? '' : String(v) })))));
  const counts = $('audit-counts').tBodies[0];
  counts.replaceChildren(...(answer.counts || []).map((c) => el('tr', {},
    ...[c.minute, c.clientId, c.userId, c.command, c.outcome, c.commands].map((v) => el('td', { text: v === null || v === undefined ? '' : String(v) })))));
  $('audit-status').textContent = `${answer.entries.length} entries, ${(answer.counts || []).length} counted groups.`;
}

// --- overview ------------------------------------------------------------------------------------------------------

let timer = null;
let previous = null;
const series = { rate: [], errors: [], latency: [], connections: [] };

function stopOverview() {
  if (timer) clearInterval(timer);
  timer = null;
}

function startOverview() {
  stopOverview();
  previous = null;
  sample().catch(() => {});
  timer = setInterval(() => sample().catch(() => {}), 2000);
}

function sum(text, name, filter = () => true) {
  let total = 0;
  for (const line of text.split('\n')) {
    if ((line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && filter(line)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

async function sample() {
  const response = await fetch('/metrics');
  const text = await response.text();
  const now = {
    at: performance.now(),
    commands: sum(text, 'rc_commands_total'),
    errors: sum(text, 'rc_commands_total', (line) => !line.includes('outcome="OK"')),
    seconds: sum(text, 'rc_http_requests_seconds_sum', (line) => line.includes('endpoint="execute"')),
    buckets: buckets(text),
    requests: sum(text, 'rc_http_requests_seconds_count', (line) => line.includes('endpoint="execute"')),
    connections: sum(text, 'rc_redis_connections'),
  };
  if (previous) {
    const seconds = (now.at - previous.at) / 1000;
    const requests = now.requests - previous.requests;
    push('rate', (now.commands - previous.commands) / seconds, 'commands/s');
    push('errors', (now.errors - previous.errors) / seconds, 'errors/s');
    const p50 = percentile(previous.buckets, now.buckets, 0.5);
    const p99 = percentile(previous.buckets, now.buckets, 0.99);
    push('latency', p99, 'ms p99');
    $('now-latency').textContent = requests > 0 ? `now: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms` : 'no requests';
  }
  push('connections', now.connections, 'connections');
  previous = now;
}

/** Cumulative bucket counts of the execute endpoint's latency histogram, by upper bound (seconds). */
function buckets(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('rc_http_requests_seconds_bucket{') && line.includes('endpoint="execute"')) {
      const le = /le="([^"]+)"/.exec(line);
      if (!le) continue;
      const bound = le[1] === '+Inf' ? Infinity : Number(le[1]);
      out.set(bound, (out.get(bound) || 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return out;
}

/** The q-quantile (ms) of the requests between two scrapes, from the histogram's buckets (upper bound). */
function percentile(before, after, q) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = bounds.map((b) => (after.get(b) || 0) - (before.get(b) || 0));
  const total = delta[delta.length - 1] || 0;
  if (total <= 0) return 0;
  const wanted = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (delta[i] >= wanted) return Number.isFinite(bounds[i]) ? bounds[i] * 1000 : bounds[i - 1] * 1000;
  }
  return 0;
}

function push(name, value, unit) {
  const values = series[name];
  values.push(value);
  if (values.length > 60) values.shift();
  $(`now-${name}`).textContent = `now: ${value.toFixed(name === 'latency' ? 2 : 1)} ${unit}`;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? 300 / (values.length - 1) : 0;
  const points = values.map((v, i) => `${i * step},${80 - (v / max) * 76}`).join(" ");
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points);
  $(`chart-${name}`).replaceChildren(line);
}
