import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../test/random.js';
import { hideSecrets, REDACTED, redactUrl } from './redaction.js';

describe('redactUrl', () => {
  it.each([
    ['redis://:hunter2@localhost:6379/2', 'redis://[redacted]@localhost:6379/2'],
    ['redis://alice:hunter2@cache.internal:6380', 'redis://[redacted]@cache.internal:6380'],
    ['redis://hunter2@cache.internal', 'redis://[redacted]@cache.internal'],
    ['rediss://:p@ss@host:6379/0', 'rediss://[redacted]@host:6379/0'],
    ['redis://:hun/ter2@host:6379', 'redis://[redacted]@host:6379'],
    ['redis://:hun?ter2@host:6379', 'redis://[redacted]@host:6379'],
    ['redis://:hun#ter2@host:6379', 'redis://[redacted]@host:6379'],
    ['redis://host:6379?password=hunter2', `redis://host:6379?${REDACTED}`],
    ['redis://host:6379/0#hunter2', `redis://host:6379/0#${REDACTED}`],
    ['redis://host:6379/hunter2', `redis://host:6379/${REDACTED}`],
    ['redis://[::1]:6379/3', 'redis://[::1]:6379/3'],
    ['redis://localhost', 'redis://localhost'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('redacts URLs the URL parser refuses, keeping the host part for the reader', () => {
    expect(redactUrl('redis://:hunter2@local host:6379')).toBe('redis://[redacted]@local host:6379');
    expect(redactUrl('redis://:hunter2@host:port/x')).toBe(`redis://[redacted]@host:port/${REDACTED}`);
  });

  it('gives nothing away from text that is not a URL (a password pasted in the wrong place?)', () => {
    expect(redactUrl('hunter2')).toBe(REDACTED);
    expect(redactUrl('')).toBe(REDACTED);
    expect(redactUrl('://:hunter2@host')).toBe(REDACTED);
  });

  it('never shows any part of a password, whatever characters it holds', () => {
    const random = new SeededRandom(13);
    const alphabet = 'abcXYZ019@:/?#%[]&= +!$';
    for (let run = 0; run < 500; run++) {
      const length = 1 + random.int(0, 16);
      const password = Array.from({ length }, () => alphabet[random.int(0, alphabet.length - 1)]).join('');
      const url = `redis://user:${password}@cache.internal:6379/0`;
      expect(redactUrl(url), url).toBe('redis://[redacted]@cache.internal:6379/0');
    }
  });
});

describe('hideSecrets', () => {
  function config() {
    const tls = hideSecrets({ ca: 'PUBLIC-CA', key: '-----BEGIN PRIVATE KEY-----\nsecret-key' }, ['key']);
    return hideSecrets({ host: 'h', username: 'alice', password: 'hunter2', db: 0, tls }, [
      'username',
      'password',
    ]);
  }

  it('keeps the secrets readable by code', () => {
    const hidden = config();
    expect(hidden.password).toBe('hunter2');
    expect(hidden.username).toBe('alice');
    expect(hidden.tls.key).toContain('secret-key');
  });

  it('shows them as [redacted] in JSON and inspect, and leaves them out of copies', () => {
    const hidden = config();
    const json = JSON.stringify(hidden);
    expect(JSON.parse(json)).toEqual({
      host: 'h',
      username: REDACTED,
      password: REDACTED,
      db: 0,
      tls: { ca: 'PUBLIC-CA', key: REDACTED },
    });
    for (const text of [
      json,
      inspect(hidden),
      inspect(hidden, { depth: 10 }),
      inspect({ nested: [hidden] }, { depth: 10 }),
      JSON.stringify({ ...hidden }),
      inspect(Object.entries(hidden)),
      String(Object.keys(hidden)),
    ]) {
      expect(text).not.toMatch(/hunter2|alice|secret-key/);
    }
    expect(inspect(hidden)).toContain("password: '[redacted]'");
    expect(Object.keys(hidden)).toEqual(['host', 'db', 'tls']);
  });

  it('does not mention secrets that are not set', () => {
    const hidden = hideSecrets({ host: 'h', password: undefined as string | undefined }, ['password']);
    expect(JSON.parse(JSON.stringify(hidden))).toEqual({ host: 'h' });
  });
});
