import { escapeGlob, matchGlob } from '@forno/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Core's table of glob cases (its unit tests check `matchGlob` against it; this test checks the
// table against Redis) and its seeded test random: core cannot run this test itself, as it cannot
// depend on @forno/testing.
import { GLOB_CASES, type GlobCase, SIGNED_CHAR_CASES } from '../../../core/test/glob-cases.js';
import { SeededRandom } from '../../../core/test/random.js';
import { type RedisServer, startRedisServer } from '../../src/servers/redis-server.js';
import type { BinaryRespReply } from '../../src/servers/resp.js';
import { openRespConnection, type RespConnection } from '../../src/servers/resp-connection.js';

/**
 * Cross-checks core's `matchGlob` against a real redis-server: every subject is stored as a key in a
 * fresh database, and for each pattern the set of keys Redis returns (`KEYS` or `SCAN MATCH`) must
 * be exactly the set `matchGlob` accepts.
 */

const PATTERN_TOKENS = [
  'a',
  'b',
  'c',
  'x',
  '*',
  '*',
  '?',
  '?',
  '[',
  '[',
  ']',
  ']',
  '^',
  '-',
  '\\',
  '\\',
  '.',
  '+',
  '(',
  '$',
  '|',
  '{',
  '}',
  'é',
  '😀',
  '[a-c]',
  '[c-a]',
  '[^a]',
  '[]',
  '[^]',
] as const;

const SUBJECT_CHARS = [
  'a',
  'b',
  'c',
  'x',
  '-',
  '^',
  ']',
  '[',
  '\\',
  '*',
  '?',
  '.',
  '+',
  '(',
  '$',
  '|',
  '{',
  '}',
  '_',
  '0',
  'é',
  '😀',
  '€',
] as const;

const HANDCRAFTED_PATTERNS = [
  '',
  '*',
  '**',
  '?*',
  '*?',
  '[a-c]*',
  '*[c-a]',
  '[^a]*',
  '*[]*',
  '*[^]*',
  '[ab',
  '[a-',
  '[a-]',
  '[^',
  '[\\',
  '\\',
  '*\\',
  '\\*',
  '[\\]]',
  '[\\-a]*',
  '*é*',
  '?é',
  '*😀',
  '????',
  '[é]?',
  '[^é]?',
  '*[.+($|{]*',
  'a*b*c',
];

let redis: RedisServer;
/** Bulk strings as bytes: keys are compared byte for byte, as Redis matches them. */
let client: RespConnection<'buffer'>;
/** Whether the server compares range bounds as signed chars (x86), as `matchGlob` does. */
let signedChars = false;

function utf8Latin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function asBuffers(reply: BinaryRespReply): Buffer[] {
  if (!Array.isArray(reply)) throw new Error(`expected an array reply, got ${String(reply)}`);
  return reply.map((item) => {
    if (!Buffer.isBuffer(item)) throw new Error('expected bulk strings');
    return item;
  });
}

/** Stores `subjects` as keys of a freshly flushed database. */
async function storeSubjects(subjects: readonly string[]): Promise<Map<string, string>> {
  await client.command(['FLUSHDB']);
  const byBytes = new Map<string, string>();
  for (const subject of new Set(subjects)) {
    await client.command(['SET', subject, '1']);
    byBytes.set(utf8Latin1(subject), subject);
  }
  expect(await client.command(['DBSIZE'])).toBe(byBytes.size);
  return byBytes;
}

async function redisKeys(pattern: string, byBytes: Map<string, string>): Promise<string[]> {
  return asBuffers(await client.command(['KEYS', pattern])).map((key) => {
    const subject = byBytes.get(key.toString('latin1'));
    if (subject === undefined) throw new Error(`unknown key ${key.toString('hex')}`);
    return subject;
  });
}

async function redisScan(pattern: string, byBytes: Map<string, string>): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const reply = await client.command(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']);
    if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0])) throw new Error('bad SCAN reply');
    cursor = reply[0].toString('latin1');
    for (const key of asBuffers(reply[1] ?? [])) found.push(byBytes.get(key.toString('latin1'))!);
  } while (cursor !== '0');
  return found;
}

interface Disagreement {
  pattern: string;
  onlyRedis: string[];
  onlyMatchGlob: string[];
}

/** Runs every pattern through Redis and `matchGlob`; returns the patterns whose results differ. */
async function compare(
  patterns: Iterable<string>,
  subjects: readonly string[],
  via: 'KEYS' | 'SCAN' = 'KEYS',
): Promise<Disagreement[]> {
  const byBytes = await storeSubjects(subjects);
  const stored = [...byBytes.values()];
  const disagreements: Disagreement[] = [];
  for (const pattern of new Set(patterns)) {
    const fromRedis = new Set(
      via === 'KEYS' ? await redisKeys(pattern, byBytes) : await redisScan(pattern, byBytes),
    );
    const fromMatchGlob = new Set(stored.filter((subject) => matchGlob(pattern, subject)));
    const onlyRedis = [...fromRedis].filter((s) => !fromMatchGlob.has(s));
    const onlyMatchGlob = [...fromMatchGlob].filter((s) => !fromRedis.has(s));
    if (onlyRedis.length > 0 || onlyMatchGlob.length > 0) {
      disagreements.push({ pattern, onlyRedis, onlyMatchGlob });
    }
  }
  return disagreements;
}

/** Whether a pattern has a non-ASCII byte inside a `[...]` class (platform-dependent ranges). */
function hasNonAsciiInClass(pattern: string): boolean {
  const open = pattern.indexOf('[');
  return open !== -1 && [...pattern.slice(open)].some((char) => char.charCodeAt(0) > 0x7f);
}

beforeAll(async () => {
  redis = await startRedisServer();
  client = await openRespConnection(redis.port, { bulk: 'buffer' });
  const info = await client.command(['INFO', 'server']);
  const os = Buffer.isBuffer(info) ? info.toString('utf8') : '';
  signedChars = /^os:.*\b(x86_64|i[3-6]86)\b/m.test(os);
});

afterAll(async () => {
  await client?.close();
  await redis?.stop();
});

describe('matchGlob agrees with a real redis-server', () => {
  it('on the table of known cases (which checks the table itself)', async () => {
    const cases: GlobCase[] = [...GLOB_CASES, ...(signedChars ? SIGNED_CHAR_CASES : [])];
    const failures: string[] = [];
    for (const [pattern, subject, expected] of cases) {
      const byBytes = await storeSubjects([subject, `${subject}~`]);
      const matched = (await redisKeys(pattern, byBytes)).includes(subject);
      if (matched !== expected) failures.push(`${JSON.stringify(pattern)} vs ${JSON.stringify(subject)}`);
    }
    expect(failures).toEqual([]);
  });

  it('on handcrafted and random patterns over random keys (KEYS)', async () => {
    const random = new SeededRandom(20_240_601);
    const subjects = [
      '',
      ...GLOB_CASES.map(([, subject]) => subject),
      ...Array.from({ length: 400 }, () => random.string(SUBJECT_CHARS, 1, 6)),
    ];
    const patterns = [
      ...HANDCRAFTED_PATTERNS,
      ...GLOB_CASES.map(([pattern]) => pattern),
      ...Array.from({ length: 2500 }, () => random.string(PATTERN_TOKENS, 0, 7)),
    ].filter((pattern) => signedChars || !hasNonAsciiInClass(pattern));
    const disagreements = await compare(patterns, subjects);
    expect(disagreements).toEqual([]);
  });

  it('on random patterns through SCAN MATCH', async () => {
    const random = new SeededRandom(7);
    const subjects = Array.from({ length: 300 }, () => random.string(SUBJECT_CHARS, 0, 5));
    const patterns = Array.from({ length: 400 }, () => random.string(PATTERN_TOKENS, 0, 5)).filter(
      (pattern) => signedChars || !hasNonAsciiInClass(pattern),
    );
    expect(await compare(['*', '', ...patterns], subjects, 'SCAN')).toEqual([]);
  });

  it('on escaped user data: the escaped text matches exactly its own key', async () => {
    const random = new SeededRandom(99);
    const texts = Array.from({ length: 300 }, () => random.string(SUBJECT_CHARS, 0, 8));
    const subjects = texts.flatMap((text) => [text, `${text}x`, `x${text}`]);
    expect(await compare(texts.map(escapeGlob), subjects)).toEqual([]);
    const byBytes = await storeSubjects(subjects);
    for (const text of texts.slice(0, 100)) {
      expect(await redisKeys(escapeGlob(text), byBytes)).toEqual([text]);
    }
  });

  it('on the nesting limit for abusive patterns', async () => {
    const subject = 'a'.repeat(1100);
    const patterns = [999, 1000, 1001, 1002].map((n) => '*a'.repeat(n));
    expect(await compare(patterns, [subject, 'b'])).toEqual([]);
  });
});
