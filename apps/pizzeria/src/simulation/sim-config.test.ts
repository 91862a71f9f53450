import { seededRandom } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { SEED_INGREDIENTS, SEED_MENU } from '../db/seed-data.js';
import { parseSimulationArgs, simulationStock } from './sim-config.js';
import { emptyStats, formatResult, type SimulationResult, sumStats } from './sim-stats.js';

describe('simulation options', () => {
  it('parses --workers and --orders (both spellings) with defaults for the rest', () => {
    expect(parseSimulationArgs(['--workers', '4', '--orders=300', '--json'])).toMatchObject({
      workers: 4,
      orders: 300,
      lanes: 2,
      timeoutSeconds: 120,
      json: true,
    });
    expect(parseSimulationArgs(['--', '--seed', '7']).seed).toBe(7);
    expect(parseSimulationArgs(['--kill-stations'])).toMatchObject({
      killStations: true,
      timeoutSeconds: 600,
    });
    expect(parseSimulationArgs([]).killStations).toBe(false);
  });

  it('names a bad argument', () => {
    expect(() => parseSimulationArgs(['--workers', '0'])).toThrow(/--workers must be an integer from 1/);
    expect(() => parseSimulationArgs(['--orders'])).toThrow(/--orders needs a value/);
    expect(() => parseSimulationArgs(['--pizzas', '3'])).toThrow(/unknown argument "--pizzas"/);
  });

  it('stocks about 80% of what the orders need, so the pantry runs dry near the end', () => {
    const stock = simulationStock(SEED_MENU, SEED_INGREDIENTS, 300);
    // dough: 1 per pizza, 3 pizzas per order on average → 900 needed, 720 stocked.
    expect(stock.find((ingredient) => ingredient.id === 'dough')?.stock).toBe(720);
    expect(stock.every((ingredient) => ingredient.stock > 0)).toBe(true);
  });

  it('repeats a run with the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 5 }, () => a());
    expect(draws).toEqual(Array.from({ length: 5 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('sums worker stats and reports a failure by name', () => {
    const one = { ...emptyStats(), completed: 3, errors: { E_X: 1 } };
    const two = { ...emptyStats(), completed: 4, errors: { E_X: 2, E_Y: 1 } };
    expect(sumStats([one, two])).toMatchObject({ completed: 7, errors: { E_X: 3, E_Y: 1 } });
    const result = {
      failures: ['2 duplicates'],
      ok: false,
      errors: {},
      ledgerMismatches: [],
    } as unknown as SimulationResult;
    expect(formatResult({ ...result, hitRatio: 0.5, throughput: 1, seconds: 1 })).toMatch(
      /result: +FAILED — 2 duplicates/,
    );
  });
});
