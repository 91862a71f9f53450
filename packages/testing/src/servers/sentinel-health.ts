import { parseInfo } from '@forno/core';
import type { HostAndPort } from './host-and-port.js';
import type { RedisServer } from './redis-server.js';
import type { RespReply } from './resp.js';

const BAD_FLAGS = ['s_down', 'o_down', 'disconnected'];

/** What a healthy Sentinel deployment looks like. */
export interface SentinelShape {
  /** Name the sentinels monitor the primary under. */
  masterName: string;
  /** Number of replicas the primary must have (the sentinels must know them all). */
  replicas: number;
}

/**
 * Asks one sentinel which primary it monitors (`SENTINEL get-master-addr-by-name`). Sentinels do
 * not require the data nodes' password, so no authentication is involved.
 */
export async function primaryAddressOf(sentinel: RedisServer, masterName: string): Promise<HostAndPort> {
  const reply = await sentinel.command(['SENTINEL', 'get-master-addr-by-name', masterName], {
    timeoutMs: 1_000,
  });
  if (!Array.isArray(reply) || reply.length !== 2) {
    throw new Error(`sentinel ${sentinel.port} does not know "${masterName}" (${JSON.stringify(reply)})`);
  }
  return { host: String(reply[0]), port: Number(reply[1]) };
}

/**
 * Resolves when the deployment is ready for a client and for a failover, throws saying what is
 * missing otherwise (poll it with `waitUntil`). On every sentinel: the expected primary, every
 * replica known and not flagged down or disconnected, every other sentinel discovered, and
 * `SENTINEL CKQUORUM` passing; on every replica: `master_link_status:up`. Sentinels discover
 * replicas through the primary's INFO and each other through hello messages every 2 s, so a
 * client connecting before this could be told about a partial topology.
 */
export async function assertSentinelHealthy(
  primary: HostAndPort,
  replicas: readonly RedisServer[],
  sentinels: readonly RedisServer[],
  shape: SentinelShape,
): Promise<void> {
  for (const replica of replicas) {
    const replication = parseInfo(String(await replica.command(['INFO', 'replication'])));
    if (replication.master_link_status !== 'up' || Number(replication.master_port) !== primary.port) {
      throw new Error(
        `replica ${replica.port}: link to ${replication.master_port} is ${replication.master_link_status}`,
      );
    }
  }
  await Promise.all(sentinels.map((sentinel) => checkSentinel(sentinel, primary, sentinels.length, shape)));
}

async function checkSentinel(
  sentinel: RedisServer,
  primary: HostAndPort,
  sentinelCount: number,
  { masterName, replicas }: SentinelShape,
): Promise<void> {
  const name = `sentinel ${sentinel.port}`;
  const monitored = await primaryAddressOf(sentinel, masterName);
  if (monitored.port !== primary.port)
    throw new Error(`${name}: primary is ${monitored.port}, not ${primary.port}`);

  const known = toRecords(await sentinel.command(['SENTINEL', 'replicas', masterName]));
  if (known.length !== replicas) throw new Error(`${name}: knows ${known.length} of ${replicas} replicas`);
  for (const replica of known) {
    const bad = (replica.flags ?? '').split(',').filter((flag) => BAD_FLAGS.includes(flag));
    if (bad.length > 0) throw new Error(`${name}: replica ${replica.port} is ${bad.join(',')}`);
    // not `master-link-status`: sentinels refresh it from INFO only every 10 s, so it reads `err`
    // for up to 10 s after a failover; the replicas' own INFO (checked above) is authoritative
  }

  const peers = toRecords(await sentinel.command(['SENTINEL', 'sentinels', masterName]));
  if (peers.length !== sentinelCount - 1) {
    throw new Error(`${name}: discovered ${peers.length} of ${sentinelCount - 1} other sentinels`);
  }
  for (const peer of peers) {
    const bad = (peer.flags ?? '').split(',').filter((flag) => BAD_FLAGS.includes(flag));
    if (bad.length > 0) throw new Error(`${name}: sentinel ${peer.port} is ${bad.join(',')}`);
  }
  await sentinel.command(['SENTINEL', 'CKQUORUM', masterName]); // rejects with the reason when not reachable
}

/** Turns the `[field, value, field, value...]` arrays of SENTINEL replicas/sentinels into records. */
function toRecords(reply: RespReply): Array<Record<string, string>> {
  if (!Array.isArray(reply)) return [];
  return reply.map((item) => {
    const record: Record<string, string> = {};
    if (Array.isArray(item)) {
      for (let i = 0; i + 1 < item.length; i += 2) record[String(item[i])] = String(item[i + 1]);
    }
    return record;
  });
}
