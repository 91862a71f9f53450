import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { StationKiller } from './station-killer.js';

/** A stand-in for a forked station: records the signal it was sent. */
function fakeStation(): ChildProcess & { signals: string[] } {
  const signals: string[] = [];
  return { signals, kill: (signal: string) => signals.push(signal) > 0 } as unknown as ChildProcess & {
    signals: string[];
  };
}

describe('StationKiller', () => {
  it('kills every n-th station that reports an order on its stove, up to its budget, with SIGKILL', () => {
    const killer = new StationKiller({ orders: 40 }); // budget 3, every 8th order cooked
    const stations = Array.from({ length: 60 }, fakeStation);
    for (const station of stations) killer.cooking(station);
    const killed = stations.filter((station) => station.signals.length > 0);
    expect(killed.map((station) => stations.indexOf(station))).toEqual([7, 15, 23]);
    expect(killed.every((station) => station.signals[0] === 'SIGKILL' && killer.killed(station))).toBe(true);
    expect(killer.kills).toBe(3);
    expect(killer.killed(stations[0]!)).toBe(false);
  });

  it('scales the kills with the run: 10 for 400 orders', () => {
    const killer = new StationKiller({ orders: 400 });
    for (let i = 0; i < 400; i++) killer.cooking(fakeStation());
    expect(killer.kills).toBe(10);
  });
});
