/** A tag invalidation on the bus: namespace, tag, `d` (deleted) or `x` (expired), and when. */
export type TagNotice = readonly [namespace: string, tag: string, kind: 'd' | 'x', at: number];

/** An entry written: its key, and the version (creation stamp) now in L2. */
export type WrittenKey = readonly [key: string, version: number];

/**
 * A bus message (JSON): sender `i`, its sequence number `q` (one per message, so receivers notice a
 * lost one), and what changed: entry keys deleted or expired `k`, entry keys written with their new
 * version `w` (a receiver that already holds that version keeps it), tag invalidations `g`,
 * cleared namespaces `c`. A message with nothing else is a heartbeat.
 */
export interface BusMessage {
  readonly i: string;
  readonly q: number;
  readonly k?: readonly string[];
  readonly w?: readonly WrittenKey[];
  readonly g?: readonly TagNotice[];
  readonly c?: readonly string[];
}

const isString = (value: unknown): value is string => typeof value === 'string';

function isTagNotice(value: unknown): value is TagNotice {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    isString(value[0]) &&
    isString(value[1]) &&
    (value[2] === 'd' || value[2] === 'x') &&
    typeof value[3] === 'number'
  );
}

function isWrittenKey(value: unknown): value is WrittenKey {
  return Array.isArray(value) && value.length === 2 && isString(value[0]) && typeof value[1] === 'number';
}

/** Parses a message; `undefined` for anything else on the channel (it is not trusted). */
export function parseBusMessage(text: string): BusMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { i, q, k, w, g, c } = value as Record<string, unknown>;
  if (!isString(i) || !Number.isSafeInteger(q)) return undefined;
  if (k !== undefined && !(Array.isArray(k) && k.every(isString))) return undefined;
  if (w !== undefined && !(Array.isArray(w) && w.every(isWrittenKey))) return undefined;
  if (g !== undefined && !(Array.isArray(g) && g.every(isTagNotice))) return undefined;
  if (c !== undefined && !(Array.isArray(c) && c.every(isString))) return undefined;
  return value as BusMessage;
}
