/**
 * Serialization benchmark: serialize + deserialize throughput and stored size for a realistic
 * pizzeria order (nested, 20 line items) and a ~100 KB menu, for JSON, MessagePack and each
 * compression over each, in one run so the ratios compare like with like.
 *
 *   pnpm --filter @forno/serialization build
 *   cd benchmarks && npx tsx src/serialization.ts [--quick]
 */
import { pathToFileURL } from 'node:url';
import { type Serializer, seededRandom } from '@forno/core';
import { compressed, JsonSerializer } from '@forno/serialization';
import { MsgpackSerializer } from '@forno/serialization/msgpack';
import { Bench } from 'tinybench';

/** One measured combination. */
export interface SerializationBenchmarkRow {
  readonly fixture: string;
  readonly serializer: string;
  /** serialize + deserialize round trips per second. */
  readonly opsPerSecond: number;
  /** Relative margin of error of the throughput, in percent. */
  readonly rme: number;
  /** Bytes Redis would store. */
  readonly storedBytes: number;
  /** Throughput relative to plain JSON on the same fixture (2 = twice as fast). */
  readonly speedVsJson: number;
  /** Stored size relative to plain JSON on the same fixture (0.5 = half the bytes). */
  readonly sizeVsJson: number;
}

/**
 * Runs every combination; `quick` shortens each measurement (for CI smoke runs). A full run measures
 * each task in 3 rounds and keeps the best, so a busy machine skews the ratios less.
 */
export async function runSerializationBenchmark({
  quick,
}: {
  quick: boolean;
}): Promise<SerializationBenchmarkRow[]> {
  const fixtures = { 'order (20 items)': pizzeriaOrder(), 'menu (~100 KB)': menu(100_000) };
  const rows: SerializationBenchmarkRow[] = [];
  for (const [fixture, value] of Object.entries(fixtures)) {
    const sizes = new Map<string, number>();
    const tasks = Object.entries(serializers()).map(([name, serializer]) => {
      const stored = serializer.serialize(value);
      assertRoundTrip(name, serializer, value, stored);
      sizes.set(name, byteLength(stored));
      return [name, () => serializer.deserialize(asReply(serializer.serialize(value), serializer))] as const;
    });
    const best = new Map<string, { ops: number; rme: number }>();
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      const bench = new Bench({
        time: quick ? 60 : 400,
        warmup: round === 0,
        warmupTime: quick ? 15 : 200,
        iterations: quick ? 8 : 32,
        throws: true,
      });
      for (const [name, fn] of tasks) bench.add(name, fn);
      for (const task of await bench.run()) {
        const result = task.result;
        if (result.state !== 'completed') throw new Error(`${task.name} did not complete: ${result.state}`);
        const { mean: ops, rme } = result.throughput;
        if (ops > (best.get(task.name)?.ops ?? 0)) best.set(task.name, { ops, rme });
      }
    }
    const json = best.get('json')!;
    for (const [name, { ops, rme }] of best) {
      const storedBytes = sizes.get(name)!;
      rows.push({
        fixture,
        serializer: name,
        opsPerSecond: ops,
        rme,
        storedBytes,
        speedVsJson: ops / json.ops,
        sizeVsJson: storedBytes / sizes.get('json')!,
      });
    }
  }
  return rows;
}

/** Formats rows as a Markdown table. */
export function formatSerializationTable(rows: readonly SerializationBenchmarkRow[]): string {
  const header = ['fixture', 'serializer', 'ops/s (ser+de)', '±', 'vs json', 'stored bytes', 'vs json'];
  const lines = rows.map((r) => [
    r.fixture,
    r.serializer,
    Math.round(r.opsPerSecond).toLocaleString('en-US'),
    `${r.rme.toFixed(1)}%`,
    `${r.speedVsJson.toFixed(2)}x`,
    r.storedBytes.toLocaleString('en-US'),
    `${r.sizeVsJson.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i < 2 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [row(header), rule, ...lines.map(row)].join('\n');
}

function serializers(): Record<string, Serializer> {
  return {
    json: new JsonSerializer(),
    'json (strict: false)': new JsonSerializer({ strict: false }),
    'json, identity replacer+reviver': taggingFloor(),
    msgpack: new MsgpackSerializer(),
    'json+gzip': compressed(new JsonSerializer(), { algorithm: 'gzip' }),
    'json+brotli': compressed(new JsonSerializer(), { algorithm: 'brotli' }),
    'msgpack+gzip': compressed(new MsgpackSerializer(), { algorithm: 'gzip' }),
    'msgpack+brotli': compressed(new MsgpackSerializer(), { algorithm: 'brotli' }),
  };
}

/**
 * What a tagged JSON encoding (Date, Map, Set, BigInt as `{ $type, value }`) would cost at the
 * very least: the replacer and reviver callbacks, doing nothing. Not a Forno serializer.
 */
function taggingFloor(): Serializer {
  return {
    name: 'json-tagging-floor',
    format: 'text',
    serialize: (value) => JSON.stringify(value, (_key, v: unknown) => v),
    deserialize: (payload) => JSON.parse(payload as string, (_key, v: unknown) => v),
  };
}

/** What the driver hands back: a string to text serializers, a Buffer to binary ones. */
function asReply(stored: string | Uint8Array, serializer: Serializer): string | Uint8Array {
  if (serializer.format === 'text')
    return typeof stored === 'string' ? stored : Buffer.from(stored).toString('utf8');
  return typeof stored === 'string' ? Buffer.from(stored, 'utf8') : stored;
}

function byteLength(stored: string | Uint8Array): number {
  return typeof stored === 'string' ? Buffer.byteLength(stored) : stored.byteLength;
}

function assertRoundTrip(
  name: string,
  serializer: Serializer,
  value: unknown,
  stored: string | Uint8Array,
): void {
  const back = JSON.stringify(serializer.deserialize(asReply(stored, serializer)));
  if (back !== JSON.stringify(value)) throw new Error(`${name} does not round-trip the fixture`);
}

// --- fixtures -----------------------------------------------------------------------------------

const PIZZAS = [
  'Margherita',
  'Marinara',
  'Diavola',
  'Quattro Formaggi',
  'Capricciosa',
  'Prosciutto e Funghi',
];
const TOPPINGS = [
  'basil',
  'mozzarella',
  'tomato',
  'olives',
  'anchovies',
  'salami',
  'mushrooms',
  'artichokes',
];
const ALLERGENS = ['gluten', 'milk', 'fish', 'nuts', 'celery', 'mustard'];
const WORDS =
  'wood fired crust san marzano tomatoes fior di latte fresh basil extra virgin olive oil slow leavened dough'.split(
    ' ',
  );

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]!;
}

function sentence(next: () => number, words: number): string {
  return Array.from({ length: words }, () => pick(next, WORDS)).join(' ');
}

/** A realistic order: customer, address, payment, and 20 line items with toppings and extras. */
export function pizzeriaOrder(): unknown {
  const next = seededRandom(42);
  const createdAt = Date.UTC(2026, 0, 27, 19, 30);
  return {
    id: 'ord_01J9Z3K6W8Q2R5T7Y9B1C3D5F7',
    status: 'baking',
    channel: 'web',
    createdAt: new Date(createdAt).toISOString(),
    customer: {
      id: 'cus_8842',
      name: 'Mario Rossi',
      email: 'mario.rossi@example.com',
      phone: '+39 081 555 0142',
      address: {
        street: 'Via dei Tribunali 32',
        city: 'Napoli',
        zip: '80138',
        floor: 3,
        notes: 'ring twice',
      },
    },
    items: Array.from({ length: 20 }, (_, i) => ({
      lineId: i + 1,
      sku: `PZ-${100 + i}`,
      name: pick(next, PIZZAS),
      size: pick(next, ['small', 'medium', 'large'] as const),
      quantity: 1 + Math.floor(next() * 3),
      unitPrice: Math.round((7 + next() * 9) * 100) / 100,
      toppings: Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(next, TOPPINGS)),
      extras: next() < 0.4 ? [{ name: 'extra cheese', price: 1.5 }] : [],
      notes: next() < 0.25 ? 'well done' : null,
      addedAt: createdAt + i * 7_000,
    })),
    payment: { method: 'card', status: 'authorized', currency: 'EUR', amount: 412.8, last4: '4242' },
    totals: { subtotal: 375.27, deliveryFee: 3.5, tax: 34.03, total: 412.8 },
    delivery: { zone: 'centro-storico', driverId: null, etaMinutes: 35, contactless: true },
  };
}

/** A menu of categories and items with descriptions, prices per size and allergens, ~`bytes` as JSON. */
export function menu(bytes: number): unknown {
  const next = seededRandom(7);
  const categories: Array<{ id: string; name: string; items: unknown[] }> = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    if (i % 25 === 0)
      categories.push({ id: `cat-${categories.length + 1}`, name: sentence(next, 2), items: [] });
    const item = {
      id: `item-${i + 1}`,
      name: `${pick(next, PIZZAS)} ${i + 1}`,
      description: sentence(next, 14),
      prices: { small: 6 + (i % 5), medium: 9 + (i % 5), large: 12 + (i % 5) },
      allergens: ALLERGENS.filter(() => next() < 0.3),
      ingredients: Array.from({ length: 3 + Math.floor(next() * 4) }, () => pick(next, TOPPINGS)),
      vegetarian: next() < 0.5,
      spicyLevel: Math.floor(next() * 4),
      calories: 600 + Math.floor(next() * 700),
      available: next() < 0.9,
    };
    categories.at(-1)!.items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return {
    restaurant: "Mario's Pizzeria",
    currency: 'EUR',
    updatedAt: '2026-01-27T08:00:00.000Z',
    categories,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const started = performance.now();
  const rows = await runSerializationBenchmark({ quick });
  console.log(formatSerializationTable(rows));
  console.log(
    `\nNode.js ${process.version}, ${quick ? 'quick' : 'full'} run in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
