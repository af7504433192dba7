// Key browser: SCAN (never KEYS) with a pattern and a type, paged; a tree by ':'; type-aware, paged views; TTL and
// string values edited, keys deleted only when the session may (and the server still decides).
import { $, el } from './dom.js';
import { execute } from './api.js';

const PAGE = 100;
let cursor = '0';
let keys = new Set();
let canWrite = () => false;

export function setupKeys(mayWrite, onError) {
  canWrite = mayWrite;
  $('scan-form').addEventListener('submit', (event) => { event.preventDefault(); scan(true).catch(onError); });
  $('scan-more').addEventListener('click', () => scan(false).catch(onError));
  keysError = onError;
}

let keysError = () => {};

async function scan(fresh) {
  if (fresh) {
    cursor = '0';
    keys = new Set();
    $('key-view').replaceChildren(el('p', { className: 'empty', text: 'Pick a key to see its value.' }));
  }
  const args = [cursor, 'MATCH', $('scan-pattern').value || '*', 'COUNT', '500'];
  if ($('scan-type').value) args.push('TYPE', $('scan-type').value);
  $('keys-status').textContent = 'Scanning...';
  let rounds = 0;
  // SCAN may answer few keys per call: go on until a page is full or the scan ends
  do {
    args[0] = cursor;
    const [next, found] = await execute('SCAN', args);
    cursor = String(next);
    found.forEach((key) => keys.add(key));
    rounds++;
  } while (cursor !== '0' && keys.size < PAGE * (fresh ? 1 : 2) && rounds < 50);
  $('scan-more').hidden = cursor === '0';
  $('keys-status').textContent = keys.size === 0 ? 'No keys match.'
    : `${keys.size} key${keys.size === 1 ? '' : 's'}${cursor === '0' ? '' : ' so far (More scans on)'}.`;
  renderTree();
}

function renderTree() {
  const root = new Map();
  for (const key of [...keys].sort()) {
    const parts = key.split(':');
    let node = root;
    parts.slice(0, -1).forEach((part) => {
      if (!node.has(`${part}:`)) node.set(`${part}:`, new Map());
      node = node.get(`${part}:`);
      if (!(node instanceof Map)) node = new Map();
    });
    node.set(key, key);
  }
  $('key-tree').replaceChildren(branch(root));
}

function branch(map) {
  const list = el('ul', { role: 'group' });
  for (const [label, value] of map) {
    if (value instanceof Map) {
      const details = el('details', { open: map.size < 20 }, el('summary', { text: label }));
      details.append(branch(value));
      list.append(el('li', {}, details));
    } else {
      const button = el('button', { type: 'button', 'aria-pressed': 'false', 'data-key': value, text: value });
      button.addEventListener('click', () => {
        document.querySelectorAll('#key-tree button[aria-pressed="true"]').forEach((b) => b.setAttribute('aria-pressed', 'false'));
        button.setAttribute('aria-pressed', 'true');
        show(value).catch(keysError);
      });
      list.append(el('li', {}, button));
    }
  }
  return list;
}

async function show(key) {
  const view = $('key-view');
  const type = await execute('TYPE', [key]);
  const ttl = await execute('TTL', [key]);
  const writable = await canWrite();
  const head = el('div', {},
    el('h3', { text: key }),
    el('p', { className: 'meta', text: `type ${type} · ${ttl === -1 ? 'no expiry' : ttl === -2 ? 'gone' : `expires in ${ttl} s`}` }));
  const ttlForm = el('form', { className: 'row', 'aria-label': 'Expiry' },
    el('label', { for: 'ttl-seconds', text: 'TTL (seconds)' }),
    el('input', { id: 'ttl-seconds', type: 'number', min: '1', value: ttl > 0 ? String(ttl) : '' }),
    el('button', { type: 'submit', id: 'ttl-set', disabled: !writable, text: 'Set TTL' }),
    el('button', { type: 'button', id: 'ttl-persist', disabled: !writable, text: 'Persist' }),
    el('button', { type: 'button', id: 'key-delete', className: 'danger', disabled: !writable, text: 'Delete key' }));
  ttlForm.addEventListener('submit', (event) => {
    event.preventDefault();
    execute('EXPIRE', [key, $('ttl-seconds').value]).then(() => show(key)).catch(keysError);
  });
  ttlForm.querySelector('#ttl-persist').addEventListener('click', () => execute('PERSIST', [key]).then(() => show(key)).catch(keysError));
  ttlForm.querySelector('#key-delete').addEventListener('click', () => {
    if (!confirm(`Delete ${key}?`)) return;
    execute('DEL', [key]).then(() => { keys.delete(key); renderTree(); view.replaceChildren(el('p', { className: 'empty', text: `Deleted ${key}.` })); })
      .catch(keysError);
  });
  if (!writable) head.append(el('p', { className: 'meta', text: 'Read-only: this session may not change keys.' }));
  view.replaceChildren(head, ttlForm, await body(key, type, writable));
}

async function body(key, type, writable) {
  switch (type) {
    case 'string': return stringView(key, writable);
    case 'hash': return paged(key, 'HSCAN', (cursor) => [key, cursor, 'COUNT', String(PAGE)], ([next, flat]) => [next, pairs(flat)], ['field', 'value']);
    case 'set': return paged(key, 'SSCAN', (cursor) => [key, cursor, 'COUNT', String(PAGE)], ([next, members]) => [next, members.map((m) => [m])], ['member']);
    case 'list': return windowed(key, 'LRANGE', (from) => [key, String(from), String(from + PAGE - 1)], (items, from) => items.map((v, i) => [String(from + i), v]), ['index', 'value']);
    case 'zset': return windowed(key, 'ZRANGE', (from) => [key, String(from), String(from + PAGE - 1), 'WITHSCORES'],
      (items) => items.map((pair) => (Array.isArray(pair) ? [pair[0], String(pair[1])] : [pair, ''])), ['member', 'score']);
    case 'stream': return streamView(key);
    case 'none': return el('p', { className: 'empty', text: 'The key is gone.' });
    default: return el('p', { className: 'meta', text: `No view for type ${type}; use the workbench.` });
  }
}

function pairs(flat) {
  if (!Array.isArray(flat)) return Object.entries(flat);
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function table(columns, rows) {
  const t = el('table', { className: 'reply-table' }, el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', text: c })))));
  const tbody = el('tbody');
  rows.forEach((row) => tbody.append(el('tr', {}, ...row.map((cell) => el('td', { text: cell === null ? '(nil)' : String(cell) })))));
  t.append(tbody);
  return t;
}

async function paged(key, command, argsFor, split, columns) {
  const box = el('div');
  let cursorHere = '0';
  const more = el('button', { type: 'button', text: 'More' });
  const load = async () => {
    const [next, rows] = split(await execute(command, argsFor(cursorHere)));
    cursorHere = String(next);
    box.insertBefore(table(columns, rows), more);
    more.hidden = cursorHere === '0';
  };
  more.addEventListener('click', () => load().catch(keysError));
  box.append(more);
  await load();
  return box;
}

async function windowed(key, command, argsFor, rowsOf, columns) {
  const box = el('div');
  let from = 0;
  const more = el('button', { type: 'button', text: `Next ${PAGE}` });
  const load = async () => {
    const items = await execute(command, argsFor(from));
    box.insertBefore(table(columns, rowsOf(items, from)), more);
    from += PAGE;
    more.hidden = items.length < PAGE;
  };
  more.addEventListener('click', () => load().catch(keysError));
  box.append(more);
  await load();
  return box;
}

async function streamView(key) {
  const entries = await execute('XRANGE', [key, '-', '+', 'COUNT', String(PAGE)]);
  return table(['id', 'fields'], entries.map(([id, fields]) => [id, JSON.stringify(Array.isArray(fields) ? pairs(fields) : fields)]));
}

async function stringView(key, writable) {
  const box = el('div');
  // base64 both ways: the argument is sent as base64 too
  const bytes = base64Bytes(await execute('GET', [toBase64(key)], { encoding: 'base64' }));
  const text = utf8(bytes);
  if (text === null) {
    box.append(el('p', { className: 'meta', text: `${bytes.length} bytes, not UTF-8 text: hex` }),
      el('pre', { className: 'hex value', text: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ') }));
    return box;
  }
  let shown = text;
  try {
    const parsed = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') shown = JSON.stringify(parsed, null, 2);
  } catch (e) { /* not JSON */ }
  const editor = el('textarea', { id: 'string-value', rows: '6', spellcheck: 'false', 'aria-label': 'Value', readonly: !writable });
  editor.value = shown;
  const save = el('button', { type: 'button', id: 'string-save', disabled: !writable, text: 'Save value' });
  save.addEventListener('click', () => execute('SET', [key, editor.value, 'KEEPTTL']).then(() => show(key)).catch(keysError));
  box.append(el('p', { className: 'meta', text: `${bytes.length} byte${bytes.length === 1 ? '' : 's'}${shown !== text ? ' · JSON, pretty-printed' : ''}` }), editor, save);
  return box;
}

function toBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  return btoa(binary);
}

function base64Bytes(value) {
  if (value === null) return new Uint8Array();
  const binary = atob(value);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function utf8(bytes) {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? null : text;
  } catch (e) {
    return null;
  }
}
