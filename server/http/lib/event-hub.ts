/** Fans server messages out to every open `/api/events` WebSocket. Slow or closed sockets never block a run. */
import type { ServerMessage } from '../../../nodes/core/api-types.ts';

export type { ServerMessage } from '../../../nodes/core/api-types.ts';

/** The part of a WebSocket the hub uses. */
export interface EventSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
}

const OPEN = 1;
/** A client this far behind skips messages rather than growing server memory; run-state messages resynchronise it. */
const MAX_BUFFERED = 8 * 2 ** 20;

export class EventHub {
  private readonly sockets = new Set<EventSocket>();
  private readonly listeners = new Set<(m: ServerMessage) => void>();
  private readonly greetings = new Set<() => ServerMessage[]>();

  /** Adds a socket, first sending it what `greet` providers say is under way (a model loading). */
  add(socket: EventSocket): () => void {
    this.sockets.add(socket);
    for (const greeting of this.greetings) for (const m of greeting()) if (socket.readyState === OPEN) socket.send(JSON.stringify(m));
    return () => this.sockets.delete(socket);
  }

  /** What a socket that connects now should hear at once, as it stands then. */
  greet(fn: () => ServerMessage[]): () => void {
    this.greetings.add(fn);
    return () => this.greetings.delete(fn);
  }

  /** In-process subscribers (tests, logging). */
  subscribe(fn: (m: ServerMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get size(): number {
    return this.sockets.size;
  }

  broadcast(message: ServerMessage): void {
    for (const fn of this.listeners) fn(message);
    if (this.sockets.size === 0) return;
    const text = JSON.stringify(message);
    for (const s of this.sockets) {
      if (s.readyState !== OPEN) continue;
      if (s.bufferedAmount > MAX_BUFFERED && message.kind !== 'run-state') continue;
      s.send(text);
    }
  }
}
