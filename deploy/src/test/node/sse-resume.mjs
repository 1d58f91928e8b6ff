// An independent SSE client (the npm `eventsource` package, which follows the browser's EventSource)
// against a live gateway: node sse-resume.mjs <port> <channel> <count>
//
// It subscribes, publishes <count> messages over POST /publish, and cuts its first stream after the
// third message event, as a network drop would. The library reconnects by itself after the server's
// `retry:` and sends the Last-Event-ID header; the stream must go on with every offset once, in order.
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { EventSource } from 'eventsource';

const [port, channel, countText] = process.argv.slice(2);
const count = Number(countText ?? 10);
const base = `http://127.0.0.1:${port}`;
const CUT_AFTER = 3;

const seen = { offsets: [], subscribed: [], lastEventIds: [], connections: 0, resumeHeaders: [] };

const timer = setTimeout(() => fail(`timed out; saw ${JSON.stringify(seen)}`), 30_000);

function fail(reason) {
  console.error(reason);
  process.exit(1);
}

// fetch as the library would, except that the first response body ends after CUT_AFTER message events
async function cuttingFetch(url, init) {
  seen.connections++;
  seen.resumeHeaders.push(init.headers?.['Last-Event-ID'] ?? null);
  const response = await fetch(url, init);
  if (seen.connections > 1) {
    return response;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let messages = 0;
  const body = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      controller.enqueue(value);
      messages += (decoder.decode(value, { stream: true }).match(/event: message/g) ?? []).length;
      if (messages >= CUT_AFTER) {
        await reader.cancel();
        controller.close();
      }
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

async function publish(i) {
  const r = await fetch(`${base}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel, data: { n: i } }),
  });
  if (r.status !== 200) {
    fail(`publish ${i} answered ${r.status}: ${await r.text()}`);
  }
}

const es = new EventSource(`${base}/sse?channel=${encodeURIComponent(channel)}`, { fetch: cuttingFetch });
es.addEventListener('error', () => {});
es.addEventListener('subscribed', async (e) => {
  seen.subscribed.push(JSON.parse(e.data));
  if (seen.subscribed.length === 1) {
    for (let i = 0; i < count; i++) {
      await publish(i);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});
es.addEventListener('message', (e) => {
  const m = JSON.parse(e.data);
  seen.offsets.push(m.offset);
  seen.lastEventIds.push(e.lastEventId);
  if (seen.offsets.length === count) {
    es.close();
    clearTimeout(timer);
    console.log(JSON.stringify(seen));
    process.exit(0);
  }
});
