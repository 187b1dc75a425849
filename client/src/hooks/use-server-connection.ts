/** Loads everything on mount and keeps the events WebSocket open for the app's lifetime. */
import { useEffect } from 'react';
import { connectEvents } from '../api/events-socket.ts';
import { bootstrap } from '../store/bootstrap.ts';
import { update } from '../store/editor-store.ts';
import { onServerMessage } from '../store/run-actions.ts';

export function useServerConnection(): void {
  useEffect(() => {
    void bootstrap();
    const stopEvents = connectEvents({ onMessage: onServerMessage, onState: (socket) => update((s) => void (s.socket = socket)) });
    return stopEvents;
  }, []);
}
