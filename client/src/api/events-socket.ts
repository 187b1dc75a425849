/** The `/api/events` WebSocket, reconnecting with backoff; parsed messages go to one handler. */
import type { ServerMessage } from './api-types.ts';

export interface EventsSocketHandlers {
  onMessage(m: ServerMessage): void;
  onState(state: 'connecting' | 'open' | 'closed'): void;
}

/** Connects and keeps connecting until the returned function is called. */
export function connectEvents(h: EventsSocketHandlers): () => void {
  let ws: WebSocket | undefined;
  let stopped = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = (): void => {
    h.onState('connecting');
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}/api/events`);
    ws.onopen = () => {
      delay = 500;
      h.onState('open');
    };
    ws.onmessage = (ev) => {
      try {
        h.onMessage(JSON.parse(String(ev.data)) as ServerMessage);
      } catch {
        // A message we cannot parse is skipped; the next run-state message resynchronises.
      }
    };
    ws.onclose = () => {
      h.onState('closed');
      if (stopped) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close();
  };
}
