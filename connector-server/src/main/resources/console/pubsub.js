// Pub/sub: subscribe through the Server-Sent Events endpoint (read with fetch, so the token goes in a header, never
// in the URL) and watch messages arrive; publish with PUBLISH.
import { $ } from './dom.js';
import { execute, token } from './api.js';

let controller = null;

export function setupPubSub(onError) {
  $('subscribe-form').addEventListener('submit', (event) => { event.preventDefault(); subscribe().catch(onError); });
  $('unsubscribe').addEventListener('click', stop);
  $('publish-form').addEventListener('submit', (event) => {
    event.preventDefault();
    execute('PUBLISH', [$('pub-channel').value, $('pub-message').value])
      .then((receivers) => { $('pubsub-status').textContent = `Published to ${receivers} subscriber${receivers === 1 ? '' : 's'}.`; })
      .catch(onError);
  });
}

export function stop() {
  if (controller) controller.abort();
  controller = null;
  $('subscribe').disabled = false;
  $('unsubscribe').disabled = true;
}

async function subscribe() {
  stop();
  const names = $('sub-channels').value.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) {
    $('pubsub-status').textContent = 'Name at least one channel.';
    return;
  }
  const kind = $('sub-pattern').checked ? 'pattern' : 'channel';
  const query = new URLSearchParams();
  names.forEach((name) => query.append(kind, name));
  controller = new AbortController();
  $('subscribe').disabled = true;
  $('unsubscribe').disabled = false;
  let response;
  try {
    response = await fetch(`/v1/redis/subscribe?${query}`, {
      headers: { authorization: `Bearer ${token()}`, accept: 'text/event-stream' }, signal: controller.signal,
    });
  } catch (e) {
    stop();
    if (e.name !== 'AbortError') $('pubsub-status').textContent = 'The server could not be reached.';
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    stop();
    $('pubsub-status').textContent = `${body.error?.code || response.status}: ${body.error?.message || 'refused'}`;
    return;
  }
  $('pubsub-status').textContent = `Subscribing to ${names.join(', ')}...`;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        handle(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') $('pubsub-status').textContent = 'The stream ended.';
    return;
  }
  $('pubsub-status').textContent = 'The server ended the stream.';
  stop();
}

function handle(block) {
  let type = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (!data) return;
  const event = JSON.parse(data);
  if (type === 'subscribe') {
    $('pubsub-status').textContent = `Subscribed (${event.count}): waiting for messages.`;
  } else if (type === 'message') {
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()}  ${event.pattern ? `${event.pattern} ` : ''}${event.channel}: ${event.message}`;
    $('messages').prepend(item);
  } else if (type === 'end') {
    $('pubsub-status').textContent = 'The server is restarting: subscribe again.';
  }
}
