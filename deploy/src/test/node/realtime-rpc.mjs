// realtime.js, as the gateway serves it, calling the application's rpc hook: rt.rpc(method, data) over
// an open WebSocket (the rpc command) and, with the SSE transport, over POST /rpc.
//   node --experimental-websocket realtime-rpc.mjs <port> <websocket|sse>
// The test's hook answers {"data":{"method","got"}} and refuses method "forbidden" with its own code.
// Prints "ok realtime-rpc <transport>"; exits non-zero on any failure.
import { setTimeout as sleep } from 'node:timers/promises';

const [port, transport] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const user = 'rpc-' + Math.random().toString(36).slice(2, 10);
const states = [];

setTimeout(() => fail(`timed out; states: ${JSON.stringify(states)}`), 45_000).unref();

function fail(reason) {
  console.error(reason);
  process.exit(1);
}

function check(cond, what) {
  if (!cond) fail(`expected: ${what}; states: ${JSON.stringify(states)}`);
}

const src = await (await fetch(base + '/realtime.js')).text();
const { connect } = await import('data:text/javascript,' + encodeURIComponent(src));
const rt = connect(base, {user, transports: [transport], minBackoffMs: 100, maxBackoffMs: 200});
rt.on('state', e => states.push(e));
rt.subscribe('feed:' + user);
for (const end = Date.now() + 30_000; !states.some(s => s.state === 'connected'); await sleep(50)) {
  if (Date.now() > end) fail('never connected');
}

const answer = await rt.rpc('echo', {n: 7, text: 'héllo'});
check(answer && answer.method === 'echo', `the hook's answer names the method: ${JSON.stringify(answer)}`);
check(answer.got && answer.got.n === 7 && answer.got.text === 'héllo', `the data went through: ${JSON.stringify(answer)}`);
check(answer.user === user, `the hook saw the user: ${JSON.stringify(answer)}`);

let refused = null;
try {
  await rt.rpc('forbidden');
} catch (e) {
  refused = e;
}
check(refused && refused.code === 'forbidden', `a refused call rejects with the hook's code, not ${refused && refused.code}`);
check(/not for you/.test(refused.message), `and its sentence, not '${refused.message}'`);

rt.close();
console.log(`ok realtime-rpc ${transport}`);
process.exit(0);
