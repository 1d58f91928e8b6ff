// realtime.js, as the gateway serves it, under node's own WebSocket (node --experimental-websocket),
// told by the control API to go: node realtime-disconnect.mjs <port> <apiKey> <websocket|sse>
//
// The server's {"type":"disconnect",...,"reconnect":true} (SSE: event: disconnect) is a drop like any
// other: the client comes
// back. With "reconnect":false it stops for good, as rt.close() does, and the gateway lists no
// connection of its user afterwards. Prints "ok realtime-disconnect" and what it saw; exits non-zero
// on any failure.
import { setTimeout as sleep } from 'node:timers/promises';

const [port, apiKey, transport] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const user = 'rtjs-' + Math.random().toString(36).slice(2, 10);
const states = [];

setTimeout(() => fail(`timed out; states: ${JSON.stringify(states)}`), 45_000).unref();

function fail(reason) {
  console.error(reason);
  process.exit(1);
}

function check(cond, what) {
  if (!cond) fail(`expected: ${what}; states: ${JSON.stringify(states)}`);
}

async function waitFor(fn, what) {
  const end = Date.now() + 30_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) fail(`timed out waiting for ${what}; states: ${JSON.stringify(states)}`);
    await sleep(50);
  }
}

async function control(body) {
  const res = await fetch(base + '/control', {
    method: 'POST', headers: {'Content-Type': 'application/json', Authorization: 'apikey ' + apiKey},
    body: JSON.stringify(body),
  });
  const json = await res.json();
  check(res.ok, `POST /control ${JSON.stringify(body)} answered 200, not ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The user's one connection once the registry lists exactly one, other than {@code not}. */
function onlyConnection(not) {
  return waitFor(async () => {
    const {connections} = await control({op: 'connections', user});
    return connections.length === 1 && connections[0].client !== not ? connections[0] : null;
  }, `one listed connection of ${user} other than ${not}`);
}

const src = await (await fetch(base + '/realtime.js')).text();
const { connect } = await import('data:text/javascript,' + encodeURIComponent(src));
const rt = connect(base, {user, transports: [transport], minBackoffMs: 100, maxBackoffMs: 200});
rt.on('state', e => states.push(e));
// an SSE transport streams only with a channel to stream
rt.subscribe('feed:' + user);
const connectedTimes = () => states.filter(s => s.state === 'connected').length;

await waitFor(() => connectedTimes() === 1, 'connected');
const first = await onlyConnection(null);

const again = await control({op: 'disconnect', user, code: 4011, reconnect: true});
check(again.disconnected === 1, 'one connection disconnected with reconnect:true');
await waitFor(() => connectedTimes() === 2, 'connected again after a disconnect with reconnect:true');
const dropped = transport === 'websocket' ? 'closed (4011)' : 'stream ended';
check(states.some(s => s.state === 'disconnected' && s.reason === dropped), `a drop: ${dropped}`);
await onlyConnection(first.client);

const gone = await control({op: 'disconnect', user, code: 4012, reconnect: false});
check(gone.disconnected === 1, 'one connection disconnected with reconnect:false');
const stopped = await waitFor(() => states.find(s => s.state === 'disconnected' && s.reason?.startsWith('disconnected by the server')),
  'the client stopping');
check(stopped.reason === 'disconnected by the server (4012): disconnected by the application', `the reason, not '${stopped.reason}'`);
check(stopped.transport === transport, 'the transport named');
// backoff is at most 200 ms here: a client that came back would have by now, several times over
await sleep(2000);
check(connectedTimes() === 2, 'no third connection');
check(states[states.length - 1] === stopped, 'nothing after stopping');
const {connections} = await control({op: 'connections', user});
check(connections.length === 0, `no connection of ${user} listed, not ${JSON.stringify(connections)}`);
console.log(`ok realtime-disconnect ${transport} ${JSON.stringify(states)}`);
process.exit(0);
