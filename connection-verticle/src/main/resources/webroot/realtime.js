// realtime.js: the browser client of the rtgw gateway. A dependency-free ES module.
//
//   import { connect } from '/realtime.js';
//   const rt = connect('https://gateway.example', { user: 'alice' });
//   rt.subscribe('chat:lobby', { onMessage: m => console.log(m.data) });
//   await rt.publish('chat:lobby', { text: 'hi' });
//
// It tries WebSocket, then SSE (+ POST /publish), then long polling (+ POST /publish), in the order
// given; a transport that fails to open, or closes before its first frame, is skipped for the rest of
// the session. It reconnects with exponential backoff and full jitter, resumes every channel from the
// last position it delivered (each message reaches the application once, in order), and retries
// publishes across drops with an idempotency key so each resolves exactly once. A server `disconnect`
// with `reconnect: false` (the application's control API) ends the client as close() does.

/**
 * @typedef {{channel: string, offset: number, epoch: string, data: any, from?: string, ts: number}} Message
 * @typedef {{channel: string, user: string, client: string}} PresenceEvent
 * @typedef {{channel: string, epoch: string, offset: number}} Position
 * @typedef {{user: string, clients: number}} Member
 * @typedef {'websocket' | 'sse' | 'longpoll'} TransportName
 * @typedef {{state: 'connecting' | 'connected' | 'disconnected', transport?: TransportName, reason?: string}} StateEvent
 * @typedef {{
 *   onMessage?: (m: Message) => void,
 *   onJoin?: (e: PresenceEvent) => void,
 *   onLeave?: (e: PresenceEvent) => void,
 *   onReset?: (p: Position) => void,
 *   onSubscribed?: (p: Position & {recovered: boolean}) => void,
 *   since?: {epoch: string, offset: number},
 * }} SubscribeOptions
 * @typedef {{
 *   user?: string,
 *   token?: string,
 *   getToken?: () => Promise<string> | string,
 *   transports?: TransportName[],
 *   minBackoffMs?: number,
 *   maxBackoffMs?: number,
 *   pollTimeoutS?: number,
 *   requestTimeoutMs?: number,
 * }} ConnectOptions
 */

export const TRANSPORTS = Object.freeze(['websocket', 'sse', 'longpoll']);

/**
 * Opens a client. `url` is the gateway's base URL (http or https); defaults to this page's origin.
 * @param {string} [url]
 * @param {ConnectOptions} [options]
 * @returns {Realtime}
 */
export function connect(url, options = {}) {
  return new Realtime(url, options);
}

export class RealtimeError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
  }
}

const randomId = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
const sleep = ms => new Promise(r => setTimeout(r, ms));

export class Realtime {
  /** @param {string} [url] @param {ConnectOptions} [options] */
  constructor(url, options = {}) {
    const base = new URL(url || globalThis.location?.origin || 'http://localhost:8080');
    this.base = base.origin + base.pathname.replace(/\/$/, '');
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null));
    this.options = {
      transports: TRANSPORTS.slice(), minBackoffMs: 1000, maxBackoffMs: 30000, pollTimeoutS: 25,
      requestTimeoutMs: 10000, ...given,
    };
    for (const t of this.options.transports) {
      if (!TRANSPORTS.includes(t)) throw new RealtimeError('bad_request', `unknown transport '${t}'`);
    }
    /** @type {Map<string, {opts: SubscribeOptions, epoch?: string, offset?: number}>} */
    this.channels = new Map();
    /** @type {Map<string, {channel: string, data: any, key: string, resolve: Function, reject: Function, inFlight: boolean}>} */
    this.publishes = new Map();
    this.skipped = new Set();
    this.listeners = new Map();
    this.clientId = randomId();
    this.state = 'disconnected';
    this.transport = null;
    this.attempt = 0;
    this.closed = false;
    this.hintMs = null;
    queueMicrotask(() => this._run());
  }

  /**
   * Listens to 'state' events ({state, transport}).
   * @param {'state'} event @param {(e: StateEvent) => void} fn
   */
  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return () => this.listeners.get(event).delete(fn);
  }

  /**
   * Subscribes to a channel; handlers are called once per message, in offset order.
   * @param {string} channel @param {SubscribeOptions} [opts]
   * @returns {{unsubscribe: () => void, position: () => Position | null}}
   */
  subscribe(channel, opts = {}) {
    const entry = {opts, epoch: opts.since?.epoch, offset: opts.since?.offset};
    this.channels.set(channel, entry);
    this.transport?.channelsChanged();
    return {
      unsubscribe: () => {
        if (this.channels.get(channel) === entry) {
          this.channels.delete(channel);
          this.transport?.channelsChanged(channel);
        }
      },
      position: () => entry.epoch === undefined ? null : {channel, epoch: entry.epoch, offset: entry.offset},
    };
  }

  /**
   * Publishes; retried across reconnects with the same idempotency key until the gateway answers.
   * @param {string} channel @param {any} data
   * @returns {Promise<Position>}
   */
  publish(channel, data) {
    return new Promise((resolve, reject) => {
      const key = 'k-' + randomId();
      this.publishes.set(key, {channel, data, key, resolve, reject, inFlight: false});
      this.transport?.flushPublishes();
    });
  }

  /**
   * Calls the application (its rpc hook) with `method` and `data`; resolves with the answer's data, or
   * rejects with a RealtimeError carrying the application's code. Over the WebSocket while it is open,
   * else POST /rpc. Never retried: a call may not be safe to repeat, so one whose connection drops
   * mid-call rejects with 'unavailable'.
   * @param {string} method @param {any} [data] @returns {Promise<any>}
   */
  rpc(method, data = null) {
    const t = this.transport;
    if (t instanceof WebSocketTransport && t.ws && t.ws.readyState === 1) return t.rpc(method, data);
    return this._http('POST', '/rpc', {method, data}).then(r => r.data);
  }

  /** @param {string} channel @returns {Promise<Member[]>} */
  async presence(channel) {
    const r = await this._http('GET', `/presence?channel=${encodeURIComponent(channel)}`);
    return r.members;
  }

  /**
   * @param {string} channel
   * @param {{since?: {epoch: string, offset: number}, limit?: number}} [opts]
   * @returns {Promise<{channel: string, epoch: string, offset: number, recovered: boolean, messages: Message[]}>}
   */
  history(channel, opts = {}) {
    let q = `/history?channel=${encodeURIComponent(channel)}`;
    if (opts.limit !== undefined) q += `&limit=${opts.limit}`;
    if (opts.since) q += `&since=${sinceParam(channel, opts.since.epoch, opts.since.offset)}`;
    return this._http('GET', q);
  }

  /** Closes the client: no more reconnects; pending publishes are rejected. */
  close() {
    this._stop('closed');
  }

  // ---- internals -------------------------------------------------------------------------------

  _stop(reason, transport) {
    this.closed = true;
    this.transport?.close();
    this.transport = null;
    for (const p of this.publishes.values()) p.reject(new RealtimeError('unavailable', 'client closed'));
    this.publishes.clear();
    this._setState('disconnected', transport, reason);
  }

  /**
   * The server's `{"type":"disconnect","code","reason","reconnect"}`: the connection closes next. Told not
   * to reconnect, the client stops once it has; otherwise it reconnects as after any drop.
   */
  _disconnect(f) {
    if (f.reconnect === false) this.refused = `disconnected by the server (${f.code}): ${f.reason}`;
  }

  _emit(event, value) {
    for (const fn of this.listeners.get(event) ?? []) {
      try { fn(value); } catch (e) { console.error(e); }
    }
  }

  _setState(state, transport, reason) {
    this.state = state;
    this._emit('state', {state, transport, reason});
  }

  _identity(params) {
    if (this.options.user) params.push('user=' + encodeURIComponent(this.options.user));
    if (this.options.token) params.push('token=' + encodeURIComponent(this.options.token));
    return params;
  }

  /** `since` parameters for every channel with a known position; others start at "now". */
  _sinceParams() {
    const out = [];
    for (const [channel, e] of this.channels) {
      const at = this._position(e);
      if (at) out.push('since=' + sinceParam(channel, at.epoch, at.offset));
    }
    return out;
  }

  async _http(method, path, body) {
    const headers = {'Content-Type': 'application/json'};
    if (this.options.token) headers.Authorization = 'Bearer ' + this.options.token;
    const sep = path.includes('?') ? '&' : '?';
    const params = this._identity([]);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.options.requestTimeoutMs);
    try {
      const res = await fetch(this.base + path + (params.length ? sep + params.join('&') : ''), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal,
      });
      const json = res.status === 204 ? null : await res.json().catch(() => null);
      if (!res.ok) {
        throw new RealtimeError(json?.code ?? 'internal', json?.message ?? `HTTP ${res.status}`);
      }
      return json;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Delivers a message once: anything at or before the channel's position is a duplicate. */
  _deliver(m) {
    const e = this.channels.get(m.channel);
    if (!e) return;
    if (e.epoch === m.epoch && m.offset <= e.offset) return;
    e.epoch = m.epoch;
    e.offset = m.offset;
    e.fallback = undefined;
    call(e.opts.onMessage, m);
  }

  _presence(type, ev) {
    const e = this.channels.get(ev.channel);
    if (e) call(type === 'join' ? e.opts.onJoin : e.opts.onLeave, ev);
  }

  /** A channel's (re)subscription result: recovered:false means the app must reload that channel. */
  _subscribed(p) {
    const e = this.channels.get(p.channel);
    if (!e) return;
    const hadPosition = e.epoch !== undefined;
    if (p.recovered === false || (hadPosition && e.epoch !== p.epoch)) {
      if (hadPosition || p.recovered === false) {
        call(e.opts.onReset, {channel: p.channel, epoch: p.epoch, offset: p.offset});
      }
      // what is retained follows: take the next message as the new start. Until one arrives, a
      // reconnect resumes from the server's position at the reset.
      e.epoch = undefined;
      e.offset = undefined;
      e.fallback = {epoch: p.epoch, offset: p.offset};
    } else if (!hadPosition) {
      e.epoch = p.epoch;
      e.offset = p.offset;
    }
    call(e.opts.onSubscribed, p);
  }

  _reset(p) {
    const e = this.channels.get(p.channel);
    if (!e) return;
    e.epoch = p.epoch;
    e.offset = p.offset;
    e.fallback = undefined;
    call(e.opts.onReset, p);
  }

  /** The position to resume a channel from, or undefined to start at "now". */
  _position(e) {
    if (e.epoch !== undefined) return {epoch: e.epoch, offset: e.offset};
    return e.fallback?.epoch !== undefined ? e.fallback : undefined;
  }

  _publishAck(key, result) {
    const p = this.publishes.get(key);
    if (!p) return;
    this.publishes.delete(key);
    p.resolve(result);
  }

  _publishFail(key, code, message) {
    const p = this.publishes.get(key);
    if (!p) return;
    this.publishes.delete(key);
    p.reject(new RealtimeError(code, message));
  }

  /** Publishes over HTTP (for SSE and long polling). A network failure leaves it queued for retry. */
  async _postPublish(p) {
    if (p.inFlight) return;
    p.inFlight = true;
    try {
      const r = await this._http('POST', '/publish', {channel: p.channel, data: p.data, key: p.key});
      this._publishAck(p.key, r);
    } catch (e) {
      if (e instanceof RealtimeError && e.code !== 'unavailable' && e.code !== 'internal') {
        this._publishFail(p.key, e.code, e.message);
      }
      // network errors and 5xx: kept; retried on the next flush (reconnect)
    } finally {
      p.inFlight = false;
    }
  }

  _nextTransport() {
    const usable = this.options.transports.filter(t => !this.skipped.has(t));
    if (usable.length === 0) {
      // every transport failed: the network is down, not the transports; start over after backoff
      this.skipped.clear();
      return null;
    }
    return usable[0];
  }

  _backoffMs() {
    if (this.hintMs !== null) {
      const hint = this.hintMs;
      this.hintMs = null;
      return hint + Math.random() * Math.min(1000, hint);
    }
    const cap = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** this.attempt);
    return Math.max(this.options.minBackoffMs / 4, Math.random() * cap);
  }

  async _run() {
    while (!this.closed) {
      const name = this._nextTransport();
      if (name === null) {
        this._setState('disconnected', undefined, 'all transports failed');
        await sleep(this._backoffMs());
        this.attempt++;
        continue;
      }
      this._setState('connecting', name);
      // a fresh token for every connection, so one that expired while away is never reused
      if (this.options.getToken) {
        try {
          this.options.token = await this.options.getToken();
        } catch (e) {
          this._setState('disconnected', name, 'getToken failed');
          await sleep(this._backoffMs());
          this.attempt++;
          continue;
        }
      }
      const t = new (TRANSPORT_CLASSES[name])(this);
      this.transport = t;
      const outcome = await t.run();
      if (this.closed) return;
      this.transport = null;
      if (this.refused) {
        this._stop(this.refused, name);
        return;
      }
      if (outcome.opened) {
        this.attempt = 0;
        this._setState('disconnected', name, outcome.reason);
        await sleep(this._backoffMs());
        this.attempt++;
      } else {
        // failed to open, or closed before its first frame: skipped for the rest of the session
        this.skipped.add(name);
        this._setState('disconnected', name, outcome.reason);
      }
    }
  }
}

function call(fn, arg) {
  if (typeof fn !== 'function') return;
  try { fn(arg); } catch (e) { console.error(e); }
}

/** The `since` query value of the gateway's HTTP transports: `<channel>~<epoch>~<offset>`. */
function sinceParam(channel, epoch, offset) {
  return encodeURIComponent(`${channel}~${epoch}~${offset}`);
}

/** One connection attempt over one transport. `run()` resolves when it ends: {opened, reason}. */
class Transport {
  constructor(rt) {
    this.rt = rt;
    this.opened = false;
    this.done = null;
    this.ended = new Promise(r => { this.done = r; });
  }

  /** Marks the transport healthy (first frame seen) and announces the connection. */
  _firstFrame() {
    if (this.opened) return;
    this.opened = true;
    this.rt._setState('connected', this.name);
    this.flushPublishes();
  }

  _end(reason) {
    this.done?.({opened: this.opened, reason});
    this.done = null;
  }
}

class WebSocketTransport extends Transport {
  get name() { return 'websocket'; }

  run() {
    const rt = this.rt;
    const url = rt.base.replace(/^http/, 'ws') + '/ws';
    const params = rt._identity([]);
    this.nextId = 1;
    this.pending = new Map();
    this.subscribed = new Set();
    /** Channel -> failed subscribe attempts in a row, for the back-off of a retried subscribe. */
    this.retries = new Map();
    let ws;
    try {
      ws = new WebSocket(params.length ? url + '?' + params.join('&') : url);
    } catch (e) {
      this._end('websocket unavailable: ' + e.message);
      return this.ended;
    }
    this.ws = ws;
    ws.onopen = () => {
      this._send({type: 'ping'}, () => this._firstFrame());
      this.channelsChanged();
    };
    ws.onmessage = e => this._onFrame(JSON.parse(e.data));
    ws.onerror = () => {};
    ws.onclose = e => this._end(`closed (${e.code})`);
    return this.ended;
  }

  /** The server asks for a new token before the current one expires: getToken() gives it. */
  async _refresh() {
    const rt = this.rt;
    if (!rt.options.getToken) return;
    try {
      const token = await rt.options.getToken();
      rt.options.token = token;
      this._send({type: 'refresh', token}, () => {});
    } catch (e) {
      // the connection ends at expiry, and the next one asks getToken() again
    }
  }

  rpc(method, data) {
    const ws = this.ws;
    return new Promise((resolve, reject) => {
      const lost = () => reject(new RealtimeError('unavailable', 'the connection closed during the call'));
      ws.addEventListener('close', lost);
      this._send({type: 'rpc', method, data}, f => {
        ws.removeEventListener('close', lost);
        if (f.type === 'rpc') resolve(f.data);
        else reject(new RealtimeError(f.code ?? 'internal', f.message ?? 'unexpected answer'));
      });
    });
  }

  _send(cmd, onReply) {
    const id = this.nextId++;
    if (onReply) this.pending.set(id, onReply);
    if (this.ws.readyState === 1) this.ws.send(JSON.stringify({id, ...cmd}));
    return id;
  }

  _onFrame(f) {
    this._firstFrame();
    const rt = this.rt;
    if (f.id !== undefined && this.pending.has(f.id)) {
      const fn = this.pending.get(f.id);
      this.pending.delete(f.id);
      fn(f);
      return;
    }
    switch (f.type) {
      case 'message': rt._deliver(f); break;
      case 'join': case 'leave': rt._presence(f.type, f); break;
      case 'reset': rt._reset(f); break;
      case 'subscribed': if (rt.channels.has(f.channel)) this.subscribed.add(f.channel); break;
      case 'reconnect': rt.hintMs = f.after_ms ?? null; break;
      case 'disconnect': rt._disconnect(f); break;
      case 'refresh': this._refresh(); break;
      default: break;
    }
  }

  channelsChanged(removed) {
    if (!this.ws || this.ws.readyState !== 1) return;
    const rt = this.rt;
    if (removed && this.subscribed.has(removed)) {
      this.subscribed.delete(removed);
      this._send({type: 'unsubscribe', channel: removed});
    }
    for (const [channel, e] of rt.channels) {
      if (this.subscribed.has(channel)) continue;
      this.subscribed.add(channel);
      const cmd = {type: 'subscribe', channel};
      const at = rt._position(e);
      if (at) cmd.since = at;
      this._send(cmd, f => {
        if (f.type === 'subscribed') {
          this.retries.delete(channel);
          rt._subscribed(f);
        } else if (f.type === 'error') {
          this.subscribed.delete(channel);
          console.warn(`subscribe ${channel}: ${f.code}: ${f.message}`);
          // a tier that did not answer in time (a core swamped by a burst of connects) is passing: try
          // again, backing off, rather than stay connected without the channel; a refusal is final
          if (f.code === 'unavailable' || f.code === 'internal') {
            const attempt = (this.retries.get(channel) || 0) + 1;
            this.retries.set(channel, attempt);
            const delay = Math.min(5000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
            setTimeout(() => this.channelsChanged(), delay);
          }
        }
      });
    }
  }

  flushPublishes() {
    if (!this.opened || !this.ws || this.ws.readyState !== 1) return;
    for (const p of this.rt.publishes.values()) {
      if (p.inFlight) continue;
      p.inFlight = true;
      this._send({type: 'publish', channel: p.channel, data: p.data, key: p.key}, f => {
        p.inFlight = false;
        if (f.type === 'published') this.rt._publishAck(p.key, {channel: f.channel, epoch: f.epoch, offset: f.offset});
        else if (f.code === 'unavailable' || f.code === 'internal') setTimeout(() => this.flushPublishes(), 500);
        else this.rt._publishFail(p.key, f.code, f.message);
      });
    }
  }

  close() {
    this.ws?.close(1000);
    this._end('closed by client');
  }

  _end(reason) {
    for (const p of this.rt.publishes.values()) p.inFlight = false;
    super._end(reason);
  }
}

/** SSE over fetch: lets the client send headers, read `retry:` and resubscribe when channels change. */
class SseTransport extends Transport {
  get name() { return 'sse'; }

  run() {
    this._open();
    return this.ended;
  }

  _open() {
    const rt = this.rt;
    if (rt.channels.size === 0) {
      // nothing to stream: a cheap request proves the gateway is reachable over HTTP
      rt._http('GET', '/health').then(() => this._firstFrame(), e => this._end('unreachable: ' + e.message));
      return;
    }
    const params = [...rt.channels.keys()].map(c => 'channel=' + encodeURIComponent(c));
    params.push(...rt._sinceParams());
    rt._identity(params);
    this.ctl = new AbortController();
    const headers = {Accept: 'text/event-stream'};
    if (rt.options.token) headers.Authorization = 'Bearer ' + rt.options.token;
    fetch(rt.base + '/sse?' + params.join('&'), {headers, signal: this.ctl.signal, cache: 'no-store'})
      .then(res => {
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        return this._read(res.body.pipeThrough(new TextDecoderStream()).getReader());
      })
      .then(() => this._end('stream ended'), e => {
        if (!this.reopening) this._end('stream failed: ' + e.message);
      });
  }

  async _read(reader) {
    let buf = '';
    let event = {type: 'message', data: []};
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buf += value;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line === '') {
          if (event.data.length) this._dispatch(event.type, event.data.join('\n'));
          event = {type: 'message', data: []};
        } else if (line.startsWith(':')) {
          this._firstFrame();
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event.type = val;
          else if (field === 'data') event.data.push(val);
          else if (field === 'retry') { this._firstFrame(); this.rt.hintMs = Number(val) || null; }
        }
      }
    }
  }

  _dispatch(type, text) {
    this._firstFrame();
    const rt = this.rt;
    const body = JSON.parse(text);
    if (type === 'message') rt._deliver(body);
    else if (type === 'join' || type === 'leave') rt._presence(type, body);
    else if (type === 'subscribed') for (const c of body.channels ?? []) rt._subscribed(c);
    else if (type === 'reset') rt._reset(body);
    else if (type === 'reconnect') rt.hintMs = body.after_ms ?? null;
    else if (type === 'disconnect') rt._disconnect(body);
  }

  channelsChanged() {
    if (!this.opened) return;
    // a stream's channels are fixed: reopen it, resuming every channel from its position
    this.reopening = true;
    this.ctl?.abort();
    this.reopening = false;
    this._open();
  }

  flushPublishes() {
    if (!this.opened) return;
    for (const p of this.rt.publishes.values()) this.rt._postPublish(p);
  }

  close() {
    this.ctl?.abort();
    this._end('closed by client');
  }
}

class LongPollTransport extends Transport {
  get name() { return 'longpoll'; }

  async run() {
    const rt = this.rt;
    this.running = true;
    let cursor = null;
    let channelsKey = null;
    while (this.running && !rt.closed) {
      const key = [...rt.channels.keys()].join('\n');
      if (key !== channelsKey) {
        // the channel set changed: restart from every channel's own position
        cursor = null;
        channelsKey = key;
      }
      if (rt.channels.size === 0) {
        try {
          await rt._http('GET', '/health');
          this._firstFrame();
        } catch (e) {
          this._end('unreachable: ' + e.message);
          break;
        }
        await new Promise(r => { this.wake = r; setTimeout(r, 1000); });
        continue;
      }
      const params = [...rt.channels.keys()].map(c => 'channel=' + encodeURIComponent(c));
      if (cursor) params.push('cursor=' + encodeURIComponent(cursor));
      else params.push(...rt._sinceParams());
      params.push('client=' + rt.clientId, 'timeout=' + rt.options.pollTimeoutS);
      rt._identity(params);
      this.ctl = new AbortController();
      const timer = setTimeout(() => this.ctl.abort(), (rt.options.pollTimeoutS * 1.1 + 10) * 1000);
      let res;
      try {
        res = await fetch(rt.base + '/poll?' + params.join('&'), {signal: this.ctl.signal, cache: 'no-store'});
      } catch (e) {
        clearTimeout(timer);
        if (this.restart) { this.restart = false; continue; }
        this._end('poll failed: ' + e.message);
        break;
      } finally {
        clearTimeout(timer);
      }
      if (res.status === 204) { this._firstFrame(); continue; }
      const body = await res.json().catch(() => null);
      if (!res.ok || !body) {
        this._end(`poll failed: HTTP ${res.status} ${body?.message ?? ''}`);
        break;
      }
      this._firstFrame();
      if (key !== [...rt.channels.keys()].join('\n')) continue;
      // a channel that could not be continued: the app reloads it; what follows starts a new position
      for (const c of body.resets ?? []) rt._reset({channel: c, epoch: undefined, offset: undefined});
      for (const m of body.messages ?? []) rt._deliver(m);
      cursor = body.cursor;
    }
    return this.ended;
  }

  channelsChanged() {
    this.restart = true;
    this.ctl?.abort();
    this.wake?.();
  }

  flushPublishes() {
    if (!this.opened) return;
    for (const p of this.rt.publishes.values()) this.rt._postPublish(p);
  }

  close() {
    this.running = false;
    this.ctl?.abort();
    this._end('closed by client');
  }

  _firstFrame() {
    super._firstFrame();
  }
}

const TRANSPORT_CLASSES = {websocket: WebSocketTransport, sse: SseTransport, longpoll: LongPollTransport};
