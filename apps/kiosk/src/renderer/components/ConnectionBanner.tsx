import { useSyncExternalStore } from 'react';
import type { ConnectionStatus } from '../api/index.js';
import { useKioskApi } from '../app/stores-context.js';

interface ConnectionAware {
  connectionStatus(): ConnectionStatus;
  onConnectionChange(listener: (status: ConnectionStatus) => void): () => void;
}

const alwaysOpen: ConnectionAware = {
  connectionStatus: () => 'open',
  onConnectionChange: () => () => {},
};

/** Only the browser shell's WebSocket client can lose the core; IPC has no such state. */
function connectionOf(api: object): ConnectionAware {
  return 'onConnectionChange' in api && 'connectionStatus' in api
    ? (api as ConnectionAware)
    : alwaysOpen;
}

/** A banner while the core is unreachable; calls fail meanwhile, so say why. */
export function ConnectionBanner() {
  const conn = connectionOf(useKioskApi());
  const status = useSyncExternalStore(
    (notify) => conn.onConnectionChange(notify),
    () => conn.connectionStatus(),
    // Rendered to markup in tests; the status then is whatever it is now.
    () => conn.connectionStatus(),
  );
  if (status !== 'offline') return null;
  return (
    <p className="connection-banner" role="alert">
      Reconnecting to the jukebox…
    </p>
  );
}
