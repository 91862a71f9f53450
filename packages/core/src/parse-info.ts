/** One Redis node's `INFO` fields, as the drivers' `info()` returns them. */
export interface NodeInfo {
  /** `host:port` of the node. */
  readonly node: string;
  /** The `field: value` pairs of the reply (see {@link parseInfo}). */
  readonly fields: Readonly<Record<string, string>>;
}

/** `used_memory` summed over `infos` (the whole server, or every Cluster primary): `memoryUsage()`. */
export function sumUsedMemory(infos: readonly NodeInfo[]): number {
  return infos.reduce((sum, { fields }) => sum + Number(fields.used_memory ?? 0), 0);
}

/**
 * Parses the `field:value` text of `INFO` and `CLUSTER INFO` into a record, for the drivers'
 * `info()` and the test server helpers. Section headers (`# Replication`) and blank lines are
 * skipped; a field that appears twice keeps its last value.
 */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}
