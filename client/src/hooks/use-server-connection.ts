/** Loads everything on mount and keeps the events WebSocket open for the app's lifetime. */
import { useEffect } from 'react';
import { connectEvents } from '../api/events-socket.ts';
import { bootstrap } from '../store/bootstrap.ts';
import { update } from '../store/editor-store.ts';
import { onServerMessage, refreshRuns } from '../store/run-actions.ts';

export function useServerConnection(): void {
  useEffect(() => {
    void bootstrap();
    let wasOpen = false;
    const stopEvents = connectEvents({
      onMessage: onServerMessage,
      onState: (socket) => {
        update((s) => {
          s.socket = socket;
          // Loads we heard of are the old server's; a server we reach again says what it is loading as we connect.
          if (socket !== 'open') s.modelLoads = {};
        });
        // After a reconnect (server restarted, network back) the run list may have moved on without us.
        if (socket === 'open' && wasOpen) {
          void refreshRuns();
          // Errors seen while the server was away are not the nodes' fault.
          update((s) => void (s.nodeErrors = {}));
        }
        if (socket === 'open') wasOpen = true;
      },
    });
    return stopEvents;
  }, []);
}
