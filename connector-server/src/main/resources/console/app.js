// redis-connector console: plain ES modules, no build step. Every value from Redis or the registry is rendered with
// textContent (never as HTML), so a key named <img src=x onerror=alert(1)> shows as those characters.
import { $, el } from './dom.js';
import { ApiError, forgetToken, get, post, setToken, token } from './api.js';
import { adminToken, admin, enterPage, forgetAdminToken, setAdminToken, setupAdmin } from './admin.js';
import { setupKeys } from './keys.js';
import { setupPubSub, stop as stopSubscription } from './pubsub.js';
import { splitCommandLine } from './redis-cli.js';

const HISTORY_KEY = 'rc.console.history';
const DRAFTS_KEY = 'rc.console.drafts';
const HISTORY_MAX = 200;
// the step each code comes from (docs/HTTP-API.md), for pipeline entries, which carry the code only
const STEP_OF = {
  NOT_LOGGED_IN: 'session', COMMAND_REQUIRED: 'command', INVALID_REQUEST: 'command', COMMAND_NOT_ALLOWED: 'policy',
  RATE_LIMITED: 'policy', NO_REDIS_SERVICE: 'service', NO_CREDENTIALS: 'credentials', REGISTRY_UNAVAILABLE: 'service',
};

// --- sign-in ---------------------------------------------------------------------------------------------------

const USER_PAGES = ['workbench', 'keys', 'pubsub'];
const ADMIN_PAGES = ['services', 'sessions', 'audit', 'overview'];
const PAGES = [...USER_PAGES, ...ADMIN_PAGES];

function available() {
  return [...(token() ? USER_PAGES : []), ...(adminToken() ? ADMIN_PAGES : [])];
}

function showPage(page) {
  const pages = available();
  const shown = pages.includes(page) ? page : pages[0];
  for (const id of PAGES) $(id).hidden = id !== shown;
  document.querySelectorAll('#tabs button').forEach((button) => {
    button.hidden = !pages.includes(button.dataset.page);
    if (button.dataset.page === shown) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  });
  sessionStorage.setItem('rc.console.page', shown);
  if (ADMIN_PAGES.includes(shown)) enterPage(shown);
  else enterPage(null);
}

function showSignedIn() {
  const signedIn = available().length > 0;
  $('sign-in').hidden = signedIn;
  $('tabs').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
  if (signedIn) {
    showPage(sessionStorage.getItem('rc.console.page') || available()[0]);
    if (token()) loadCommands();
    if (!$('workbench').hidden) $('command').focus();
  } else {
    for (const id of PAGES) $(id).hidden = true;
    enterPage(null);
    $('token').focus();
  }
}

async function adminSignIn(event) {
  event.preventDefault();
  $('admin-sign-in-error').hidden = true;
  setAdminToken($('admin-token').value.trim());
  try {
    await admin('GET', '/v1/admin/clients');
    $('admin-token').value = '';
    sessionStorage.setItem('rc.console.page', 'services');
    showSignedIn();
  } catch (e) {
    forgetAdminToken();
    $('admin-sign-in-error').textContent = e.code === 'UNAUTHORIZED' ? 'That admin token is not valid.'
      : `Could not sign in: ${e.code} ${e.message}`;
    $('admin-sign-in-error').hidden = false;
  }
}

// --- completion from the service's own command table (GET /v1/redis/commands) ------------------------------------

let commands = new Map();
let commandsLoading = Promise.resolve();

function loadCommands() {
  commandsLoading = fetchCommands();
  return commandsLoading;
}

async function fetchCommands() {
  try {
    const answer = await get('/v1/redis/commands');
    commands = new Map(answer.commands.map((c) => [c.name, c]));
  } catch (e) {
    commands = new Map();
  }
}

/** Whether the session may run a command, as the server judged it (unknown: let the server decide). */
export function allowed(name) {
  const entry = commands.get(name);
  return entry ? entry.allowed : true;
}

function argumentHint(name) {
  const entry = commands.get(name);
  if (!entry) return '';
  const docs = entry.docs || {};
  const args = (docs.arguments || []).map(formatArgument).join(' ');
  const summary = docs.summary ? ` — ${docs.summary}` : '';
  const denied = entry.allowed ? '' : ` (not allowed: ${entry.refusal || 'policy'})`;
  return `${name} ${args}${summary}${denied}`;
}

function formatArgument(arg) {
  const flags = arg.flags || [];
  let text = arg.token ? `${arg.token}${arg.type === 'pure-token' ? '' : ` ${arg.name}`}` : arg.name;
  if (arg.type === 'oneof' || arg.type === 'block') text = (arg.arguments || []).map(formatArgument).join(arg.type === 'oneof' ? '|' : ' ');
  if (flags.includes('multiple')) text += ' ...';
  return flags.includes('optional') ? `[${text}]` : text;
}

function currentLine() {
  const area = $('command');
  const before = area.value.slice(0, area.selectionStart);
  const start = before.lastIndexOf('\n') + 1;
  return { start, text: before.slice(start) };
}

let suggestionIndex = 0;

function suggest() {
  const list = $('suggestions');
  const { text } = currentLine();
  const first = text.trimStart().split(/\s+/)[0].toUpperCase();
  const typingName = !/\s/.test(text.trimStart());
  $('hint').textContent = !typingName && first ? argumentHint(first) : '';
  if (!typingName || first.length === 0 || commands.size === 0) {
    list.hidden = true;
    return;
  }
  const matches = [...commands.values()].filter((c) => c.name.startsWith(first)).slice(0, 8);
  list.replaceChildren();
  suggestionIndex = 0;
  matches.forEach((c, i) => {
    const item = document.createElement('li');
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', String(i === 0));
    item.dataset.name = c.name;
    const name = document.createElement('strong');
    name.textContent = c.name;
    const summary = document.createElement('span');
    summary.className = c.allowed ? 'summary' : 'denied';
    summary.textContent = c.allowed ? (c.docs && c.docs.summary) || '' : 'not allowed';
    item.append(name, summary);
    item.addEventListener('mousedown', (event) => { event.preventDefault(); complete(c.name); });
    list.append(item);
  });
  list.hidden = matches.length === 0 || (matches.length === 1 && matches[0].name === first);
}

function complete(name) {
  const area = $('command');
  const { start, text } = currentLine();
  const indent = text.length - text.trimStart().length;
  const rest = area.value.slice(area.selectionStart);
  area.value = `${area.value.slice(0, start + indent)}${name} ${rest}`;
  const caret = start + indent + name.length + 1;
  area.setSelectionRange(caret, caret);
  saveDraft();
  $('suggestions').hidden = true;
  suggest();
}

async function signIn(event) {
  event.preventDefault();
  const value = $('token').value.trim();
  $('sign-in-error').hidden = true;
  setToken(value);
  try {
    await post('/v1/redis/execute', { inputs: { command: 'PING' } });
    $('token').value = '';
    sessionStorage.setItem('rc.console.page', 'workbench');
    showSignedIn();
  } catch (e) {
    forgetToken();
    $('sign-in-error').textContent = e instanceof ApiError && e.code === 'NOT_LOGGED_IN'
      ? 'That token is not valid (unknown, expired or revoked).'
      : `Could not sign in: ${e.code || ''} ${e.message}`;
    $('sign-in-error').hidden = false;
  }
}

function signOut() {
  stopSubscription();
  forgetToken();
  forgetAdminToken();
  $('results').replaceChildren();
  $('issued-token').value = '';
  $('issued').hidden = true;
  updateEmpty();
  showSignedIn();
}

// --- workbench -------------------------------------------------------------------------------------------------

function history() {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY)) || [];
  } catch (e) {
    return [];
  }
}

function remember(text) {
  const all = history().filter((entry) => entry !== text);
  all.push(text);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(all.slice(-HISTORY_MAX)));
}

let historyIndex = -1;

function walkHistory(step) {
  const all = history();
  if (all.length === 0) return;
  historyIndex = historyIndex < 0 ? all.length : historyIndex;
  historyIndex = Math.min(all.length, Math.max(0, historyIndex + step));
  $('command').value = historyIndex === all.length ? '' : all[historyIndex];
}

async function run(event) {
  event?.preventDefault();
  const text = $('command').value;
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  if (lines.length === 0) return;
  let commands;
  try {
    commands = lines.map((line) => {
      const words = splitCommandLine(line);
      return { command: words[0], args: words.slice(1), line };
    });
  } catch (e) {
    status(`Not run: ${e.message}.`);
    return;
  }
  remember(text.trim());
  historyIndex = -1;
  status(`Running ${commands.length === 1 ? commands[0].command : `${commands.length} commands as a pipeline`}...`);
  const started = performance.now();
  try {
    if (commands.length === 1) {
      const { command, args } = commands[0];
      const answer = await post('/v1/redis/execute', { inputs: { command, args } });
      addResult(commands[0], answer.output1, null, performance.now() - started);
    } else {
      const body = { inputs: { commands: commands.map(({ command, args }) => ({ command, args })) } };
      const answer = await post('/v1/redis/pipeline', body);
      const took = performance.now() - started;
      answer.output1.forEach((reply, i) => {
        const failed = reply && typeof reply === 'object' && !Array.isArray(reply) && typeof reply.code === 'string'
          && typeof reply.error === 'string';
        addResult(commands[i], failed ? null : reply, failed ? new ApiError(reply.code, STEP_OF[reply.code] || 'execution', 200, reply.error) : null,
          took, i === 0 ? `pipeline of ${commands.length}` : null);
      });
    }
    status('');
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_LOGGED_IN') {
      signOut();
      $('sign-in-error').textContent = 'The session ended (expired or revoked): sign in again.';
      $('sign-in-error').hidden = false;
      return;
    }
    addResult(commands.length === 1 ? commands[0] : { line: `${commands.length} commands` }, null, e,
      performance.now() - started);
    status('');
  }
}

function status(text) {
  $('workbench-status').textContent = text;
}

function updateEmpty() {
  $('results-empty').hidden = $('results').children.length > 0;
}

function addResult(command, reply, error, millis, note) {
  const header = el('div', { className: 'result-head' },
    el('code', { className: 'line', text: command.line }),
    el('span', { className: 'time', text: `${millis.toFixed(1)} ms${note ? ` · ${note}` : ''}` }));
  const item = el('li', { className: error ? 'result failed' : 'result' }, header);
  if (command.command) {
    const curl = el('button', { type: 'button', className: 'curl', text: 'Copy as curl' });
    curl.addEventListener('click', () => showCurl(command));
    header.append(curl);
  }
  if (error) {
    item.append(el('p', { className: 'error', role: 'alert' },
      el('strong', { text: error.code }), ` at ${error.step}: `, el('span', { text: error.message })));
  } else {
    item.append(render(reply));
  }
  $('results').prepend(item);
  updateEmpty();
}

/** A reply as a JSON tree; arrays of scalars and objects also as a table. */
function render(value) {
  if (value === null) return el('span', { className: 'nil', text: '(nil)' });
  if (typeof value !== 'object') {
    return el('span', { className: `scalar ${typeof value}`, text: typeof value === 'string' ? JSON.stringify(value) : String(value) });
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i + 1), v]) : Object.entries(value);
  if (entries.length === 0) return el('span', { className: 'empty-aggregate', text: Array.isArray(value) ? '(empty array)' : '(empty map)' });
  if (entries.every(([, v]) => v === null || typeof v !== 'object')) {
    const table = el('table', { className: 'reply-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: Array.isArray(value) ? '#' : 'key' }),
        el('th', { scope: 'col', text: 'value' }))));
    const body = el('tbody');
    for (const [k, v] of entries) body.append(el('tr', {}, el('td', { text: k }), el('td', {}, render(v))));
    table.append(body);
    return table;
  }
  const details = el('details', { open: '' },
    el('summary', { text: Array.isArray(value) ? `array (${entries.length})` : `map (${entries.length})` }));
  const list = el('ul', { className: 'tree' });
  for (const [k, v] of entries) list.append(el('li', {}, el('span', { className: 'key', text: `${k}: ` }), render(v)));
  details.append(list);
  return details;
}

function showCurl({ command, args }) {
  const body = JSON.stringify({ inputs: { command, args } });
  const quoted = `'${body.replaceAll("'", "'\\''")}'`;
  $('curl-text').value = `curl -s -X POST ${location.origin}/v1/redis/execute \\\n`
    + '  -H "Authorization: Bearer $TOKEN" \\\n  -H \'Content-Type: application/json\' \\\n'
    + `  -d ${quoted}`;
  $('curl-dialog').showModal();
  $('curl-text').select();
}

// --- several queries, kept across reloads of this tab ------------------------------------------------------------

let drafts = loadDrafts();

function loadDrafts() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(DRAFTS_KEY));
    if (stored && Array.isArray(stored.texts) && stored.texts.length > 0) return stored;
  } catch (e) { /* none yet */ }
  return { texts: [''], active: 0 };
}

function saveDraft() {
  drafts.texts[drafts.active] = $('command').value;
  sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts));
}

function renderQueryTabs() {
  const strip = $('query-tabs');
  strip.replaceChildren();
  drafts.texts.forEach((text, i) => {
    const tab = el('button', { type: 'button', role: 'tab', 'aria-selected': String(i === drafts.active),
      'data-query': String(i), text: `Query ${i + 1}` });
    tab.addEventListener('click', () => {
      saveDraft();
      drafts.active = i;
      $('command').value = drafts.texts[i];
      sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts));
      renderQueryTabs();
      $('command').focus();
    });
    strip.append(tab);
  });
  const add = el('button', { type: 'button', id: 'query-add', 'aria-label': 'New query', text: '+' });
  add.addEventListener('click', () => {
    saveDraft();
    drafts.texts.push('');
    drafts.active = drafts.texts.length - 1;
    $('command').value = '';
    sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts));
    renderQueryTabs();
    $('command').focus();
  });
  strip.append(add);
}

// --- start -----------------------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', signIn);
  $('admin-sign-in-form').addEventListener('submit', adminSignIn);
  setupAdmin((e) => {
    signOut();
    $('admin-sign-in-error').textContent = `The admin token was refused (${e.code}): sign in again.`;
    $('admin-sign-in-error').hidden = false;
  });
  $('sign-out').addEventListener('click', signOut);
  $('command-form').addEventListener('submit', run);
  $('clear-results').addEventListener('click', () => { $('results').replaceChildren(); updateEmpty(); });
  $('curl-close').addEventListener('click', () => $('curl-dialog').close());
  document.querySelectorAll('#tabs button').forEach((button) => button.addEventListener('click',
    () => showPage(button.dataset.page)));
  const pageError = (e) => {
    if (e instanceof ApiError && e.code === 'NOT_LOGGED_IN') {
      signOut();
      $('sign-in-error').textContent = 'The session ended (expired or revoked): sign in again.';
      $('sign-in-error').hidden = false;
    } else {
      const target = $('keys').hidden ? 'pubsub-status' : 'keys-status';
      $(target).textContent = `${e.code || 'ERROR'}${e.step ? ` at ${e.step}` : ''}: ${e.message}`;
    }
  };
  setupKeys(async () => { await commandsLoading; return allowed('SET') && allowed('DEL') && allowed('EXPIRE'); },
    pageError);
  setupPubSub(pageError);
  const command = $('command');
  renderQueryTabs();
  command.value = drafts.texts[drafts.active] || '';
  command.addEventListener('input', () => { saveDraft(); suggest(); });
  command.addEventListener('blur', () => { $('suggestions').hidden = true; });
  command.addEventListener('keydown', (event) => {
    const list = $('suggestions');
    if (event.key === 'Tab' && !list.hidden && list.children.length > 0) {
      event.preventDefault();
      complete(list.children[suggestionIndex].dataset.name);
    } else if (!list.hidden && (event.key === 'ArrowDown' || event.key === 'ArrowUp') && !event.altKey) {
      event.preventDefault();
      const items = [...list.children];
      suggestionIndex = (suggestionIndex + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items.forEach((item, i) => item.setAttribute('aria-selected', String(i === suggestionIndex)));
    } else if (event.key === 'Escape') {
      list.hidden = true;
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run(event);
    else if (event.altKey && event.key === 'ArrowUp') { event.preventDefault(); walkHistory(-1); }
    else if (event.altKey && event.key === 'ArrowDown') { event.preventDefault(); walkHistory(1); }
  });
  updateEmpty();
  showSignedIn();
});
