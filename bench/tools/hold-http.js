// node hold-http.js <port> <count> <sse|poll>: holds idle SSE streams or held polls on 100 shared channels,
// prints "opened N" once all are open, and holds them until stdin closes (bench/tools/heap-histogram.sh)
const http = require('http');
const [port, count, kind] = [+process.argv[2], +process.argv[3], process.argv[4]];
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
let opened = 0, inflight = 0, next = 0;
function get(path, cb) {
  const req = http.get({ host: '127.0.0.1', port, path, agent }, cb);
  req.on('error', e => console.error('err', e.message));
  return req;
}
function counted() { opened++; inflight--; more(); }
function one(i) {
  const ch = 'feed:idle' + (i % 100);
  if (kind === 'sse') { get(`/sse?channel=${ch}`, res => { res.on('data', () => {}); counted(); }); return; }
  get(`/poll?channel=${ch}`, res => {
    let body = ''; res.on('data', d => body += d);
    res.on('end', () => hold(ch, JSON.parse(body).cursor, true));
  });
}
function hold(ch, cursor, first) {
  const t = setTimeout(() => { if (first) counted(); first = false; }, 300);
  get(`/poll?channel=${ch}&cursor=${encodeURIComponent(cursor)}&timeout=55`, res => {
    let body = ''; res.on('data', d => body += d);
    res.on('end', () => { clearTimeout(t); if (body) cursor = JSON.parse(body).cursor; hold(ch, cursor, first); });
  });
}
function more() {
  while (inflight < 200 && next < count) { inflight++; one(next++); }
  if (opened === count) { console.log('opened ' + opened); }
}
more();
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
