// realtime.js, as the gateway serves it, under node's own WebSocket (node --experimental-websocket),
// subscribing while the gateway's history store (Redis) is down: node realtime-subscribe-retry.mjs <port> <channel>
//
// The subscribe is answered with 'unavailable'; the client tries again, backing off, and once Redis is
// back (the test restarts it and publishes) it is subscribed and gets a message, on the same connection.
// Prints "ok realtime-subscribe-retry" and what it saw; exits non-zero on any failure.
const [port, channel] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const warnings = [];
const states = [];
console.warn = (...args) => warnings.push(args.join(' '));

setTimeout(() => fail('timed out'), 45_000).unref();

function fail(reason) {
  console.error(`${reason}; warnings: ${JSON.stringify(warnings)}; states: ${JSON.stringify(states)}`);
  process.exit(1);
}

const src = await (await fetch(base + '/realtime.js')).text();
const { connect } = await import('data:text/javascript,' + encodeURIComponent(src));
const rt = connect(base, {transports: ['websocket'], minBackoffMs: 100, maxBackoffMs: 200});
rt.on('state', e => states.push(e.state));
rt.subscribe(channel, {
  onMessage: m => {
    const refused = warnings.filter(w => w.includes(`subscribe ${channel}: unavailable`)).length;
    if (refused === 0) fail('a message arrived, but the subscribe was never refused: the test did not test the retry');
    if (states.filter(s => s === 'connected').length !== 1) fail('the client reconnected instead of retrying the subscribe');
    console.log(`ok realtime-subscribe-retry: ${refused} refused subscribes, then message ${m.offset}; states ${JSON.stringify(states)}`);
    process.exit(0);
  },
});
