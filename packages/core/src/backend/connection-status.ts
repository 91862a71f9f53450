import type { ConnectionStatus } from '../instrumentation.js';

/** How bad each status is: a pool reports its worst connection's. */
const STATUS_RANK: Record<ConnectionStatus, number> = {
  ready: 0,
  connecting: 1,
  disconnected: 2,
  reconnecting: 3,
  closed: 4,
};

/** The worst of a pool's connection states (`'ready'` for none): what a driver's `status` reports. */
export function worstStatus(statuses: Iterable<ConnectionStatus>): ConnectionStatus {
  let worst: ConnectionStatus = 'ready';
  for (const status of statuses) if (STATUS_RANK[status] > STATUS_RANK[worst]) worst = status;
  return worst;
}
