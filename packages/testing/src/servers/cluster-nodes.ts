/** One line of `CLUSTER NODES`: a node as the answering node sees it. */
export interface ClusterNodeEntry {
  /** The 40-character node id. */
  id: string;
  /** Announced IP (empty while the node has no address yet). */
  host: string;
  /** Client port. */
  port: number;
  /** Cluster bus port. */
  busPort: number;
  /** Raw flags: `myself`, `master`, `slave`, `fail?` (PFAIL), `fail`, `handshake`, `noaddr`, `nofailover`. */
  flags: string[];
  /** `primary` for a `master` flag, `replica` for `slave`. */
  role: 'primary' | 'replica';
  /** Node id of the primary this replica follows; undefined for a primary. */
  primaryId: string | undefined;
  /** Whether the cluster bus link to this node is up (always true for `myself`). */
  connected: boolean;
  /** Served slot ranges, inclusive (`[0, 5460]`); migrating/importing markers are ignored. */
  slots: Array<[number, number]>;
}

/**
 * Parses the text reply of `CLUSTER NODES`. Used to check that a cluster has converged (every
 * link up, no failure flags, every replica attached) and to find which servers are primaries now,
 * since roles change after a failover.
 */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  const entries: ClusterNodeEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const [id, address, flagText, primaryId, , , , linkState, ...slotFields] = fields;
    if (id === undefined || address === undefined || flagText === undefined || linkState === undefined) {
      continue;
    }
    // ip:port@cport[,hostname]; the ip may be empty (":0@0") before the node learns its address
    const match = /^(.*):(\d+)@(\d+)/.exec(address);
    const flags = flagText.split(',');
    entries.push({
      id,
      host: match?.[1] ?? '',
      port: Number(match?.[2] ?? 0),
      busPort: Number(match?.[3] ?? 0),
      flags,
      role: flags.includes('slave') ? 'replica' : 'primary',
      primaryId: primaryId === undefined || primaryId === '-' ? undefined : primaryId,
      connected: flags.includes('myself') || linkState === 'connected',
      slots: slotFields.flatMap(parseSlotRange),
    });
  }
  return entries;
}

function parseSlotRange(field: string): Array<[number, number]> {
  if (field.startsWith('[')) return []; // [slot->-id] / [slot-<-id]: a migration in progress
  const [from, to = from] = field.split('-');
  if (from === undefined || from === '') return [];
  return [[Number(from), Number(to)]];
}
