// Browser scenarios for realtime.js and the demo app, in Debian's headless Chromium driven by
// playwright-core. Started by BrowserTest.java: `node scenarios.mjs <scenario> <baseUrl> <outDir>`.
// Exits 0 and prints "ok <scenario>" on success; prints the failure and exits 1 otherwise.
import { chromium } from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';

const [scenario, base, outDir] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT = 30_000;
const room = 'r' + Math.random().toString(36).slice(2, 8);

function check(cond, what) {
  if (!cond) throw new Error('expected: ' + what);
}

async function waitFor(fn, what, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(50);
  }
}

async function publish(channel, data, key) {
  const res = await fetch(base + '/publish', {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(key ? {channel, data, key} : {channel, data}),
  });
  check(res.ok, `POST /publish answered ${res.status}`);
  return res.json();
}

async function history(channel) {
  const res = await fetch(base + '/history?channel=' + encodeURIComponent(channel) + '&limit=1000');
  check(res.ok, `GET /history answered ${res.status}`);
  return res.json();
}

/** Opens the demo as `user` in its own browser context; `block` lists transports the network refuses. */
async function openDemo(browser, user, block = [], viewport) {
  const context = await browser.newContext(viewport ?? {});
  await blockTransports(context, block);
  const page = await context.newPage();
  page.on('pageerror', e => console.error(`[${user}] page error: ${e.message}`));
  const seen = watchGatewayCalls(page);
  await page.goto(`${base}/?user=${user}&room=${room}`);
  return {context, page, seen, user};
}

/** Every call a page makes to the gateway's client endpoints, and the user of each `connected` frame. */
function watchGatewayCalls(page) {
  const seen = {urls: [], connectedUsers: [], refreshAsked: 0, refreshSent: 0, refreshed: 0, closes: 0};
  page.on('request', r => seen.urls.push(r.url()));
  page.on('websocket', ws => {
    seen.urls.push(ws.url());
    ws.on('close', () => seen.closes++);
    ws.on('framereceived', f => {
      try {
        const frame = JSON.parse(f.payload);
        if (frame.type === 'connected') seen.connectedUsers.push(frame.user ?? null);
        if (frame.type === 'refresh') seen.refreshAsked++;
        if (frame.type === 'refreshed') seen.refreshed++;
      } catch { /* not JSON: not ours to check */ }
    });
    ws.on('framesent', f => {
      try {
        if (JSON.parse(f.payload).type === 'refresh') seen.refreshSent++;
      } catch { /* not JSON */ }
    });
  });
  return seen;
}

/**
 * The demo connected with a signed development token: every transport and API call carries `token=` (or
 * is an HTTP call with its Bearer header), none carries `user=`, and each WebSocket `connected` frame
 * names the user the token was asked for.
 */
function checkSignedIn({seen, user}, transport) {
  const calls = seen.urls.map(u => new URL(u)).filter(u => /^\/(ws|sse|poll|messages|publish|presence|history)$/.test(u.pathname));
  check(calls.length > 0, `[${user}] the page called the gateway`);
  const withUser = calls.filter(u => u.searchParams.has('user'));
  check(withUser.length === 0, `[${user}] no call uses user=, found ${withUser.map(String).join(' ')}`);
  const opens = calls.filter(u => ['/ws', '/sse', '/poll'].includes(u.pathname));
  check(opens.length > 0 && opens.every(u => u.searchParams.get('token')?.split('.').length === 3),
    `[${user}] every connection carries a token=, got ${opens.map(u => u.pathname + (u.searchParams.has('token') ? '+token' : '')).join(' ')}`);
  if (transport === 'websocket') {
    check(seen.connectedUsers.length > 0 && seen.connectedUsers.every(u => u === user),
      `[${user}] each connected frame names ${user}, got ${JSON.stringify(seen.connectedUsers)}`);
  }
}

async function blockTransports(context, block) {
  if (block.includes('websocket')) {
    // a proxy that accepts nothing: the socket closes before its first frame
    await context.routeWebSocket(/\/ws/, ws => ws.close());
  }
  if (block.includes('sse')) {
    await context.route(/\/sse\?/, r => r.abort());
  }
}

async function connected(page, transport) {
  await page.waitForSelector(`body[data-state="connected"][data-transport="${transport}"]`, {timeout: TIMEOUT});
}

async function chat(browser, block, transport) {
  const alice = await openDemo(browser, 'alice', block);
  const bob = await openDemo(browser, 'bob', block);
  await connected(alice.page, transport);
  await connected(bob.page, transport);
  checkSignedIn(alice, transport);
  checkSignedIn(bob, transport);
  // presence: each sees both
  for (const p of [alice.page, bob.page]) {
    await p.waitForSelector('#members li[data-user="alice"]', {timeout: TIMEOUT});
    await p.waitForSelector('#members li[data-user="bob"]', {timeout: TIMEOUT});
  }
  await alice.page.fill('#text', 'hello from alice');
  await alice.page.press('#text', 'Enter');
  await bob.page.waitForSelector('#log li:has-text("hello from alice")', {timeout: TIMEOUT});
  await bob.page.fill('#text', 'hi alice');
  await bob.page.press('#text', 'Enter');
  await alice.page.waitForSelector('#log li:has-text("hi alice")', {timeout: TIMEOUT});
  // each message shown once on each page
  for (const p of [alice.page, bob.page]) {
    check(await p.locator('#log li:has-text("hello from alice")').count() === 1, 'the message once');
  }
  // bob leaves: alice's presence list updates
  await bob.context.close();
  await alice.page.waitForSelector('#members li[data-user="bob"]', {state: 'detached', timeout: TIMEOUT});
  await alice.context.close();
}

/** A scripted client on a page of the gateway's origin (fast backoff, so the test stays short). */
async function scriptedPage(browser, user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', e => console.error(`[${user}] page error: ${e.message}`));
  await page.goto(base + '/health');
  await page.evaluate(async ({user}) => {
    const {connect} = await import('/realtime.js');
    window.rt = connect(location.origin, {user, minBackoffMs: 200, maxBackoffMs: 2000});
    window.states = [];
    window.rt.on('state', e => window.states.push(e.state + ':' + (e.transport ?? '')));
  }, {user});
  return {context, page};
}

const scenarios = {
  'chat-websocket': browser => chat(browser, [], 'websocket'),
  'chat-sse': browser => chat(browser, ['websocket'], 'sse'),
  'chat-longpoll': browser => chat(browser, ['websocket', 'sse'], 'longpoll'),

  // started by DemoTokenRefreshBrowserTest, whose tokens live a few seconds: the page's realtime.js
  // answers the server's refresh with a fresh token from getToken(), on the same WebSocket, past expiry
  async 'token-refresh'(browser) {
    const probe = await (await fetch(base + '/demo/token?user=probe')).json();
    const ttlMs = probe.expiresAt - Date.now();
    check(ttlMs > 0 && ttlMs < 30_000, 'tokens that live a few seconds, got ' + ttlMs + ' ms');
    const rafa = await openDemo(browser, 'rafa');
    await connected(rafa.page, 'websocket');
    checkSignedIn(rafa, 'websocket');
    await waitFor(() => rafa.seen.refreshed >= 1, 'a refreshed reply', ttlMs + 5000);
    check(rafa.seen.refreshAsked >= 1 && rafa.seen.refreshSent >= 1, 'the server asked and the page answered');
    await sleep(ttlMs);
    check(rafa.seen.closes === 0, 'the WebSocket outlived its first token');
    check(rafa.seen.urls.filter(u => new URL(u).pathname === '/ws').length === 1, 'one WebSocket throughout');
    const tokens = rafa.seen.urls.map(u => new URL(u)).filter(u => u.pathname === '/demo/token');
    check(tokens.length >= 2, `a fresh token was fetched for the refresh, ${tokens.length} fetches`);
    await rafa.page.fill('#text', 'still here');
    await rafa.page.press('#text', 'Enter');
    await rafa.page.waitForSelector('#log li:has-text("still here")', {timeout: TIMEOUT});
    check(await rafa.page.locator('body[data-state="connected"][data-transport="websocket"]').count() === 1, 'still connected');
    await rafa.context.close();
  },

  // development mode keeps ?user= working for scripts and curl: realtime.js's {user} option
  async 'user-param'(browser) {
    const {context, page} = await scriptedPage(browser, 'ursula');
    const seen = watchGatewayCalls(page);
    await page.evaluate(() => { window.rt.close(); });
    await page.evaluate(async () => {
      const {connect} = await import('/realtime.js');
      window.rt = connect(location.origin, {user: 'ursula', transports: ['websocket']});
    });
    await waitFor(() => page.evaluate(() => window.rt.state === 'connected'), 'connected');
    const sockets = seen.urls.map(u => new URL(u)).filter(u => u.pathname === '/ws');
    check(sockets.length > 0 && sockets.every(u => u.searchParams.get('user') === 'ursula' && !u.searchParams.has('token')),
      'the WebSocket connects with user=ursula and no token');
    await waitFor(() => seen.connectedUsers.length > 0, 'the connected frame');
    check(seen.connectedUsers.every(u => u === 'ursula'), 'connected names ursula, got ' + JSON.stringify(seen.connectedUsers));
    await context.close();
  },

  async offline(browser) {
    const channel = 'chat:' + room;
    const {context, page} = await scriptedPage(browser, 'olive');
    await page.evaluate(channel => {
      window.got = [];
      window.subscribed = false;
      window.rt.subscribe(channel, {onMessage: m => window.got.push(m.data.n), onSubscribed: () => { window.subscribed = true; }});
    }, channel);
    // a message published before the subscription is confirmed is not the client's (it starts at "now")
    await waitFor(() => page.evaluate(() => window.subscribed), 'subscribed');
    await publish(channel, {n: 0});
    await waitFor(() => page.evaluate(() => window.got.length === 1), 'the first message');
    await context.setOffline(true);
    // the network is gone: drop the open socket the way a dead network does
    await page.evaluate(() => window.rt.transport?.ws?.close());
    await waitFor(() => page.evaluate(() => window.rt.state !== 'connected'), 'the drop');
    for (let n = 1; n <= 30; n++) await publish(channel, {n});
    await sleep(1500);
    await context.setOffline(false);
    const got = await waitFor(async () => {
      const g = await page.evaluate(() => window.got);
      return g.length >= 31 ? g : null;
    }, 'all 31 messages after coming back online');
    await sleep(500);
    const final = await page.evaluate(() => window.got);
    check(JSON.stringify(final) === JSON.stringify([...Array(31).keys()]), 'every message once, in order, got ' + JSON.stringify(final));
    await context.close();
  },

  async reset(browser) {
    const channel = 'chat:' + room;
    for (let n = 1; n <= 3; n++) await publish(channel, {n});
    const {context, page} = await scriptedPage(browser, 'rita');
    await page.evaluate(channel => {
      window.resets = [];
      window.got = [];
      // a position in an epoch the server never had: it cannot be continued, so onReset must fire
      window.rt.subscribe(channel, {
        since: {epoch: 'long-gone', offset: 2},
        onReset: p => window.resets.push(p),
        onMessage: m => window.got.push(m.data.n),
      });
    }, channel);
    const resets = await waitFor(async () => {
      const r = await page.evaluate(() => window.resets);
      return r.length ? r : null;
    }, 'onReset');
    check(resets[0].channel === channel, 'the reset names the channel');
    await waitFor(() => page.evaluate(() => window.got.length === 3), 'the retained messages after the reset');
    await context.close();
  },

  async 'publish-retry'(browser) {
    const channel = 'chat:' + room;
    const context = await browser.newContext();
    let dropped = 0;
    // the first connection loses the reply to the publish, then dies: a network drop at the worst moment
    await context.routeWebSocket(/\/ws/, ws => {
      const server = ws.connectToServer();
      const first = dropped === 0;
      ws.onMessage(m => server.send(m));
      server.onMessage(m => {
        if (first && dropped === 0 && JSON.parse(m).type === 'published') {
          dropped++;
          ws.close();
          server.close();
          return;
        }
        ws.send(m);
      });
    });
    const page = await context.newPage();
    await page.goto(base + '/health');
    const result = await page.evaluate(async channel => {
      const {connect} = await import('/realtime.js');
      const rt = connect(location.origin, {user: 'pat', minBackoffMs: 200, maxBackoffMs: 1000});
      window.rt = rt;
      let resolved = 0;
      const r = await rt.publish(channel, {text: 'exactly once'});
      resolved++;
      await new Promise(res => setTimeout(res, 1000));
      return {r, resolved};
    }, channel);
    check(dropped === 1, 'the first reply was dropped');
    check(result.resolved === 1 && result.r.offset >= 1, 'the publish resolved once with its offset');
    const h = await history(channel);
    const copies = h.messages.filter(m => m.data?.text === 'exactly once');
    check(copies.length === 1, `one copy in the channel, found ${copies.length}`);
    check(copies[0].offset === result.r.offset, 'the resolved offset is the stored one');
    await context.close();
  },

  async screenshots(browser) {
    const desktop = await openDemo(browser, 'alice', [], {viewport: {width: 1280, height: 800}});
    const phone = await openDemo(browser, 'bob', [], {viewport: {width: 390, height: 844}, isMobile: true, hasTouch: true,
      deviceScaleFactor: 2});
    await connected(desktop.page, 'websocket');
    await connected(phone.page, 'websocket');
    for (const [p, text] of [[desktop.page, 'Morning! Numbers look good today.'], [phone.page, 'On my way, 5 minutes'],
      [desktop.page, 'Great, see you in the standup']]) {
      await p.fill('#text', text);
      await p.press('#text', 'Enter');
      await sleep(200);
    }
    await desktop.page.waitForSelector('#ticker li[data-sym]', {timeout: TIMEOUT});
    await phone.page.waitForSelector('#ticker li[data-sym]', {timeout: TIMEOUT});
    await sleep(1200);
    await desktop.page.screenshot({path: `${outDir}/demo-desktop.png`});
    await phone.page.screenshot({path: `${outDir}/demo-phone.png`});
    await desktop.context.close();
    await phone.context.close();
  },
};

const run = scenarios[scenario];
if (!run) {
  console.error('unknown scenario ' + scenario + '; known: ' + Object.keys(scenarios).join(', '));
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const watchdog = setTimeout(() => { console.error('scenario timed out'); process.exit(1); }, 120_000);
try {
  await run(browser);
  console.log('ok ' + scenario);
} catch (e) {
  console.error(`scenario ${scenario} failed: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await browser.close();
}
