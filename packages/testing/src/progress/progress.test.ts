import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from './progress.js';

/** A stream that records what was written, and a clock the test moves. */
function harness(isTTY: boolean) {
  const writes: string[] = [];
  let now = 0;
  const stream = { isTTY, columns: 200, write: (text: string) => writes.push(text) };
  return {
    writes,
    stream,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('Progress', () => {
  it('prints plain lines when not on a terminal: at most one per interval, and the last one', () => {
    const h = harness(false);
    const progress = new Progress({ total: 4, unit: 'cases', label: 'bench', stream: h.stream, now: h.now });
    h.advance(2_000);
    progress.tick('get/set');
    h.advance(1_000);
    progress.tick('mget'); // within 5 s of the last line: not printed
    h.advance(5_000);
    progress.tick('hgetall');
    progress.finish();
    expect(h.writes).toEqual([
      'bench progress: 1/4 cases (25%), 0:02 elapsed, ~0:06 left — get/set\n',
      'bench progress: 3/4 cases (75%), 0:08 elapsed, ~0:03 left — hgetall\n',
      'bench progress: 4/4 cases (100%), 0:08 elapsed, done — hgetall\n',
    ]);
    expect(h.writes.join('')).not.toContain('\r');
  });

  it('draws a bar in place on a terminal, and clears it around printed output', () => {
    const h = harness(true);
    const progress = new Progress({ total: 10, unit: 'orders', stream: h.stream, now: h.now });
    h.advance(4_000);
    progress.update(5, { detail: 'worker 2' });
    expect(h.writes.at(-1)).toBe(
      '\r\x1b[2K[████████████░░░░░░░░░░░░] 5/10 orders (50%), 0:04 elapsed, ~0:04 left — worker 2',
    );
    const out: string[] = [];
    progress.print('| a table |', { write: (text: string) => out.push(text) });
    expect(h.writes.at(-2)).toBe('\r\x1b[2K'); // cleared before the table
    expect(out).toEqual(['| a table |\n']);
    expect(h.writes.at(-1)).toContain('5/10 orders'); // drawn again after it
    progress.finish();
    expect(h.writes.at(-1)).toBe('progress: 10/10 orders (100%), 0:04 elapsed, done — worker 2\n');
  });

  it('redraws at most every 100 ms on a terminal', () => {
    const h = harness(true);
    const progress = new Progress({ total: 1_000, unit: 'orders', stream: h.stream, now: h.now });
    for (let i = 1; i <= 50; i++) {
      h.advance(10);
      progress.tick();
    }
    expect(h.writes.length).toBe(5);
  });

  it('estimates time left from a finer fraction when given one', () => {
    const h = harness(false);
    const progress = new Progress({ total: 2, unit: 'cases', stream: h.stream, now: h.now });
    h.advance(10_000);
    progress.update(0, { fraction: 0.25 }); // a quarter through the first case
    expect(progress.remainingMs).toBe(30_000);
    expect(h.writes.at(-1)).toBe('progress: 0/2 cases (25%), 0:10 elapsed, ~0:30 left\n');
  });

  it('says it is estimating before there is a basis, and refuses a total that is not a positive integer', () => {
    const h = harness(false);
    const progress = new Progress({ total: 3, unit: 'cases', stream: h.stream, now: h.now });
    progress.update(0, { detail: 'warm-up' });
    expect(h.writes).toEqual(['progress: 0/3 cases (0%), 0:00 elapsed, time left: estimating — warm-up\n']);
    expect(() => new Progress({ total: 0, unit: 'cases' })).toThrow(/total/);
    expect(() => new Progress({ total: 1.5, unit: 'cases' })).toThrow(/total/);
  });
});

describe('formatDuration', () => {
  it('m:ss, and h:mm:ss past an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_400)).toBe('1:01');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});
