import type { KeyType, Unsubscribe } from '@forno/core';
import type { ContractRepository } from '../contract/contract-context.js';
import { type DifferentialCommand, formatCommand } from './differential-command.js';
import { byLiteral, compareObservations, type Observation, observe } from './observation.js';

/** One backend as a sequence sees it. */
export interface DifferentialSide {
  /** One repository per prefix of `DIFFERENTIAL_PREFIXES`, all on the same backend. */
  readonly repositories: readonly ContractRepository[];
  /** A repository without prefix and with a raw (text) serializer, to read the final state. */
  readonly inspector: ContractRepository;
  /** Lets `ms` pass: a manual clock for the fake, a real sleep for a server. */
  advance(ms: number): Promise<void>;
  /** The backend's wall clock, to read semaphore leases (scored by expiry time) as durations. */
  now(): number;
}

/** Where and how two backends disagreed. */
export interface Divergence {
  /** Index of the step that disagreed, or -1 for the final state or the delivered messages. */
  readonly step: number;
  readonly message: string;
}

const TYPES: readonly KeyType[] = ['string', 'hash', 'list', 'set', 'zset'];
/**
 * Steps that score a semaphore lease by its expiry time. Each lets a few ms pass on both sides:
 * without that, two leases of one duration taken in a row share a score on the fake (its clock
 * stands still) and are read back in member order, while on a server they usually get two scores
 * and come back in the order they were taken.
 */
const LEASE_STEPS = new Set(['acquireSemaphore', 'extendSemaphore']);
const LEASE_SPACING_MS = 3;
/** How long the subject may take to deliver the messages the reference delivered. */
const DELIVERY_DEADLINE_MS = 5_000;

/** A side plus what one sequence collected on it: received messages and live subscriptions. */
class SideRun {
  readonly inbox = new Map<number, string[]>();
  readonly subscriptions: Array<{ id: number; unsubscribe: Unsubscribe }> = [];
  constructor(readonly side: DifferentialSide) {}

  get received(): number {
    let n = 0;
    for (const messages of this.inbox.values()) n += messages.length;
    return n;
  }

  async execute(command: DifferentialCommand, step: number): Promise<Observation> {
    const observation = await this.#run(command, step);
    const settle = command.settle ?? (LEASE_STEPS.has(command.op) ? LEASE_SPACING_MS : undefined);
    if (settle !== undefined) await this.side.advance(settle);
    return observation;
  }

  #run(command: DifferentialCommand, step: number): Promise<Observation> {
    const repo = this.side.repositories[command.r]!;
    const [first] = command.args;
    switch (command.op) {
      case 'advance':
        return observe('advance', () => this.side.advance(first as number));
      case 'scan':
        return observe('scan', async () => distinct(repo.scan(...(command.args as [string]))));
      case 'subscribe':
        return observe('subscribe', async () => {
          const messages: string[] = [];
          this.inbox.set(step, messages);
          const unsubscribe = await repo.subscribe(first as string, (message) => messages.push(message));
          this.subscriptions.push({ id: step, unsubscribe });
        });
      case 'unsubscribe':
        return observe('unsubscribe', async () => {
          if (this.subscriptions.length === 0) return 'none';
          const [removed] = this.subscriptions.splice((first as number) % this.subscriptions.length, 1);
          await removed!.unsubscribe();
          return removed!.id;
        });
      default: {
        const method = (repo as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
          command.op
        ];
        if (typeof method !== 'function') throw new Error(`unknown differential step ${command.op}`);
        return observe(
          command.op,
          () => method.apply(repo, [...command.args]),
          () => this.side.now(),
        );
      }
    }
  }

  async close(): Promise<void> {
    for (const { unsubscribe } of this.subscriptions.splice(0)) await unsubscribe();
  }
}

/**
 * Runs `commands` step by step on the reference (the fake) and then on the subject, comparing each
 * answer; then compares the messages each subscription received and the whole final state (every
 * key's type, raw value and TTL). Returns the first divergence, or `undefined`.
 */
export async function runDifferentialSequence(
  reference: DifferentialSide,
  subject: DifferentialSide,
  commands: readonly DifferentialCommand[],
  toleranceMs: number,
): Promise<Divergence | undefined> {
  const expected = new SideRun(reference);
  const actual = new SideRun(subject);
  try {
    for (const [step, command] of commands.entries()) {
      // Messages published so far must reach the subject before a subscription goes away.
      if (command.op === 'unsubscribe') await caughtUp(expected, actual);
      const want = await expected.execute(command, step);
      const got = await actual.execute(command, step);
      const mismatch = compareObservations(want, got, toleranceMs);
      if (mismatch !== undefined) return { step, message: `${formatCommand(command)}: ${mismatch}` };
    }
    const inboxes = await compareInboxes(expected, actual);
    if (inboxes !== undefined) return { step: -1, message: inboxes };
    const state = await compareStates(reference, subject, toleranceMs);
    return state === undefined ? undefined : { step: -1, message: state };
  } finally {
    await Promise.all([expected.close(), actual.close()]);
  }
}

async function caughtUp(expected: SideRun, actual: SideRun): Promise<void> {
  await Promise.resolve(); // the fake delivers on a microtask
  const deadline = performance.now() + DELIVERY_DEADLINE_MS;
  while (actual.received < expected.received && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function compareInboxes(expected: SideRun, actual: SideRun): Promise<string | undefined> {
  await caughtUp(expected, actual);
  for (const [id, messages] of expected.inbox) {
    const got = actual.inbox.get(id) ?? [];
    if (messages.length !== got.length || messages.some((m, i) => m !== got[i])) {
      return `subscription of step ${id} received ${JSON.stringify(got)}, expected ${JSON.stringify(messages)}`;
    }
  }
  return undefined;
}

/** Every key of the backend by type, with its raw value and TTL, as observations. */
async function dumpState(side: DifferentialSide): Promise<Array<[string, Observation]>> {
  const { inspector } = side;
  const out: Array<[string, Observation]> = [];
  for (const type of TYPES) {
    const keys = await observe('scan', () => distinct(inspector.scan('*', { type })));
    out.push([`${type} keys`, keys]);
    if (!keys.ok) continue;
    for (const key of keys.value as string[]) {
      const value = await observe(
        type,
        () => readKey(inspector, key, type),
        () => side.now(),
      );
      out.push([`${type} ${JSON.stringify(key)}`, value]);
      out.push([`ttl of ${JSON.stringify(key)}`, await observe('ttl', () => inspector.ttl(key))]);
    }
  }
  return out;
}

function readKey(inspector: ContractRepository, key: string, type: KeyType): Promise<unknown> {
  switch (type) {
    case 'string':
      return inspector.get(key);
    case 'hash':
      return inspector.hgetall(key);
    case 'list':
      return inspector.lrange(key, 0, -1);
    case 'set':
      return inspector.smembers(key).then((members) => members.sort(byLiteral));
    case 'zset':
      return inspector.zrange(key, 0, -1, { withScores: true });
    case 'stream':
      return inspector.xrange(key);
  }
}

async function compareStates(
  reference: DifferentialSide,
  subject: DifferentialSide,
  toleranceMs: number,
): Promise<string | undefined> {
  const want = await dumpState(reference);
  const got = await dumpState(subject);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const [label, expected] = want[i] ?? ['(nothing)', undefined];
    const [gotLabel, actual] = got[i] ?? ['(nothing)', undefined];
    if (expected === undefined || actual === undefined || label !== gotLabel) {
      return `final state: expected ${label}, got ${gotLabel}`;
    }
    const mismatch = compareObservations(expected, actual, toleranceMs);
    if (mismatch !== undefined) return `final state, ${label}: ${mismatch}`;
  }
  return undefined;
}

async function distinct(keys: AsyncIterable<string>): Promise<string[]> {
  const out = new Set<string>();
  for await (const key of keys) out.add(key);
  return [...out];
}
