// Types for realtime.js, the browser client of the rtgw gateway.

export type TransportName = 'websocket' | 'sse' | 'longpoll';

export interface Message { channel: string; offset: number; epoch: string; data: unknown; from?: string; ts: number; }
export interface PresenceEvent { channel: string; user: string; client: string; }
export interface Position { channel: string; epoch: string; offset: number; }
export interface Member { user: string; clients: number; }
export interface StateEvent { state: 'connecting' | 'connected' | 'disconnected'; transport?: TransportName; reason?: string; }

export interface SubscribeOptions {
  onMessage?: (m: Message) => void;
  onJoin?: (e: PresenceEvent) => void;
  onLeave?: (e: PresenceEvent) => void;
  /** The channel's history could not be continued: reload the app's state for it. */
  onReset?: (p: Position) => void;
  onSubscribed?: (p: Position & { recovered: boolean }) => void;
  /** Resume from a position the app stored. */
  since?: { epoch: string; offset: number };
}

export interface ConnectOptions {
  user?: string;
  token?: string;
  /** Called before every connection and when the server asks for a refresh; returns a fresh JWT. */
  getToken?: () => Promise<string> | string;
  /** Tried in this order; default websocket, sse, longpoll. */
  transports?: TransportName[];
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pollTimeoutS?: number;
  requestTimeoutMs?: number;
}

export interface Subscription { unsubscribe(): void; position(): Position | null; }

export declare class RealtimeError extends Error { code: string; }

export declare class Realtime {
  readonly state: StateEvent['state'];
  on(event: 'state', fn: (e: StateEvent) => void): () => void;
  subscribe(channel: string, opts?: SubscribeOptions): Subscription;
  publish(channel: string, data: unknown): Promise<Position>;
  /** Calls the application's rpc hook; resolves with its answer's data. Never retried. */
  rpc(method: string, data?: unknown): Promise<unknown>;
  presence(channel: string): Promise<Member[]>;
  history(channel: string, opts?: { since?: { epoch: string; offset: number }; limit?: number }):
    Promise<{ channel: string; epoch: string; offset: number; recovered: boolean; messages: Message[] }>;
  close(): void;
}

export declare const TRANSPORTS: readonly TransportName[];
export declare function connect(url?: string, options?: ConnectOptions): Realtime;
