// Renders a snapshot of `GET /dashboard/snapshot` into the page. Lists that may grow (hit-ratio
// rows, lock counters) are rendered from whatever fields arrive, so the server can add an L1/L2
// split or more lock figures without a change here.
import { barChart, lineChart } from './charts.js';

const HISTORY = 300;
const CIRCUIT_LEVEL = { closed: 0, 'half-open': 1, open: 2 };
const LOCK_LABELS = {
  acquired: 'acquired',
  waited: 'had to wait',
  timeouts: 'timed out',
  lost: 'lost (lease ran out)',
  released: 'released',
  extended: 'extended',
};

/** Creates an element: `h('td', { class: 'num' }, '12')`. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== false)
      element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.filter((child) => child !== undefined && child !== null));
  return element;
}

const $ = (id) => document.getElementById(id);
const number = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (n) =>
  n === null || n === undefined ? '–' : n < 1 ? `${number(n * 1000)} µs` : `${number(n, 2)} ms`;
const bytes = (n) =>
  n === null || n === undefined
    ? '–'
    : n < 1024 * 1024
      ? `${number(n / 1024, 1)} KiB`
      : `${number(n / 1024 / 1024, 1)} MiB`;
const percent = (ratio) => `${number(ratio * 100, 1)} %`;
const shortId = (id) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

function figures(container, entries) {
  container.replaceChildren(
    ...entries.map(([label, value, className]) =>
      h('div', {}, h('dt', {}, label), h('dd', { class: className }, value)),
    ),
  );
}

function unavailable(container, part) {
  container.replaceChildren(h('p', { class: 'unavailable' }, part.error));
}

/** The dashboard's panels, fed one snapshot at a time. */
export class Panels {
  #samples = [];
  #charts;

  constructor() {
    this.#charts = {
      top: barChart($('top-chart'), { label: 'orders', color: '#d9472b' }),
      hourly: lineChart($('hourly-chart'), {
        time: false,
        xLabel: 'hour (UTC)',
        counts: true,
        series: [{ label: 'orders', color: '#3b6fb6', fill: 'rgba(59,111,182,0.12)' }],
      }),
      ops: lineChart($('ops-chart'), {
        series: [
          { label: 'ops/s', color: '#3c8d2f' },
          { label: 'p95 ms', color: '#e0a458', scale: 'ms' },
        ],
        scales: { ms: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      }),
      circuit: lineChart($('circuit-chart'), {
        series: [
          { label: 'circuit', color: '#d9472b', stepped: true },
          { label: 'fallback reads/s', color: '#3b6fb6', scale: 'reads' },
        ],
        yRange: [0, 2.2],
        yValues: (_u, splits) => splits.map((v) => ['closed', 'half-open', 'open'][v] ?? ''),
        scales: { reads: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      }),
      locks: lineChart($('locks-chart'), {
        series: [
          { label: 'acquired/s', color: '#3c8d2f' },
          { label: 'waited/s', color: '#e0a458' },
          { label: 'timeouts/s', color: '#d9472b' },
        ],
      }),
    };
  }

  /** The newest sample, if any. */
  get latest() {
    return this.#samples.at(-1);
  }

  /** Renders a snapshot; returns the time of its newest sample (for the next `since`). */
  render(snapshot) {
    this.#samples.push(...snapshot.samples);
    if (this.#samples.length > HISTORY) this.#samples.splice(0, this.#samples.length - HISTORY);
    $('backend').textContent = snapshot.backend;
    this.#kitchen(snapshot.kitchen);
    this.#popularity(snapshot.popularity);
    this.#hourly(snapshot.hourly);
    this.#cache(snapshot.cache);
    this.#resilience(snapshot);
    this.#locks(snapshot.locks);
    return this.latest?.t ?? 0;
  }

  #kitchen(kitchen) {
    const queue = $('kitchen-queue');
    const stations = $('kitchen-stations');
    if (kitchen.error) {
      unavailable(queue, kitchen);
      stations.replaceChildren();
      return;
    }
    $('queue-length').textContent = String(kitchen.queueLength);
    const byPriority = new Map();
    for (const order of kitchen.queue)
      byPriority.set(order.priority, [...(byPriority.get(order.priority) ?? []), order]);
    queue.replaceChildren(
      ...(kitchen.queue.length === 0
        ? [h('p', { class: 'empty' }, 'nothing waiting')]
        : kitchen.byPriority.map(({ priority, count }) =>
            h(
              'div',
              { class: 'prio', 'data-priority': priority },
              h('span', { class: 'prio-label' }, `priority ${priority} (${count})`),
              ...byPriority
                .get(priority)
                .map((order) =>
                  h(
                    'span',
                    { class: 'ticket', 'data-order': order.orderId, title: order.orderId },
                    shortId(order.orderId),
                  ),
                ),
            ),
          )),
    );
    stations.replaceChildren(
      ...(kitchen.stations.length === 0
        ? [h('p', { class: 'empty' }, 'no oven busy')]
        : kitchen.stations.map(({ station, tickets }) =>
            h(
              'div',
              { class: 'prio', 'data-station': station },
              h('span', { class: 'prio-label' }, station),
              ...tickets.map((ticket) =>
                h(
                  'span',
                  { class: 'ticket cooking', 'data-order': ticket.orderId, title: ticket.orderId },
                  shortId(ticket.orderId),
                ),
              ),
            ),
          )),
    );
  }

  #popularity(popularity) {
    const list = $('top-list');
    if (popularity.error) return list.replaceChildren(h('li', { class: 'unavailable' }, popularity.error));
    const top = popularity.top;
    this.#charts.top.update(
      top.map((pizza) => pizza.name),
      top.map((pizza) => pizza.orderCount),
    );
    list.replaceChildren(
      ...(top.length === 0
        ? [h('li', { class: 'empty' }, 'no pizza ordered yet')]
        : top.map((pizza) => h('li', { 'data-pizza': pizza.name }, `${pizza.name}: ${pizza.orderCount}`))),
    );
  }

  #hourly(hourly) {
    if (hourly.error) return;
    $('hourly-date').textContent = `hash, HINCRBY · ${hourly.date} (UTC)`;
    this.#charts.hourly.update(
      hourly.hours.map((entry) => entry.hour),
      hourly.hours.map((entry) => entry.orders),
    );
  }

  #cache(cache) {
    $('hit-ratios').tBodies[0].replaceChildren(
      ...cache.hitRatios.map((row) => {
        const bar = h('span');
        bar.style.width = `${Math.round(row.ratio * 100)}%`;
        return h(
          'tr',
          { 'data-source': row.name },
          h('td', {}, row.name),
          h(
            'td',
            { class: 'num' },
            h('div', { class: 'bar', title: percent(row.ratio) }, bar),
            percent(row.ratio),
          ),
          h('td', { class: 'num' }, number(row.hits)),
          h('td', { class: 'num' }, number(row.misses)),
        );
      }),
    );
    const latest = this.latest;
    figures($('cache-figures'), [
      ['ops/s', number(latest?.opsPerSecond)],
      ['p50 / p95', latest?.latencyMs ? `${ms(latest.latencyMs.p50)} / ${ms(latest.latencyMs.p95)}` : '–'],
      ['p99', ms(latest?.latencyMs?.p99)],
      ['memory', bytes(cache.memoryBytes)],
      ['operations', number(cache.totalOperations)],
      ['errors/s', number(latest?.errorsPerSecond)],
    ]);
    const xs = this.#samples.map((s) => s.t / 1000);
    this.#charts.ops.update(
      xs,
      this.#samples.map((s) => s.opsPerSecond),
      this.#samples.map((s) => s.latencyMs?.p95 ?? null),
    );
  }

  #resilience(snapshot) {
    const { resilience, redis } = snapshot;
    const last = resilience.transitions.at(-1);
    figures($('resilience-figures'), [
      ['circuit', resilience.circuit, `state-${resilience.circuit}`],
      ['fallback reads', number(resilience.fallbackReads)],
      [
        'Redis',
        redis.pingMs === null ? `${redis.status}, no PONG` : redis.status,
        redis.pingMs === null ? 'state-down' : 'state-closed',
      ],
      ['ping', ms(redis.pingMs)],
      ['menu database', resilience.databaseCircuit, `state-${resilience.databaseCircuit}`],
      [
        'last change',
        last ? `${last.previous} → ${last.state} ${new Date(last.t).toLocaleTimeString()}` : 'none',
      ],
    ]);
    $('resilience-figures').dataset.circuit = resilience.circuit;
    const xs = this.#samples.map((s) => s.t / 1000);
    this.#charts.circuit.update(
      xs,
      this.#samples.map((s) => CIRCUIT_LEVEL[s.circuit] ?? 0),
      this.#rates((s) => s.fallbackReads),
    );
    const toggle = $('chaos-toggle');
    toggle.hidden = !snapshot.chaos.available;
    toggle.setAttribute('aria-pressed', String(snapshot.chaos.broken));
    toggle.textContent = snapshot.chaos.broken ? 'Repair Redis' : 'Break Redis';
  }

  #locks(locks) {
    $('lock-counters').tBodies[0].replaceChildren(
      ...Object.entries(locks).map(([name, value]) =>
        h(
          'tr',
          { 'data-counter': name },
          h('td', {}, LOCK_LABELS[name] ?? name),
          h('td', { class: 'num' }, number(value)),
        ),
      ),
    );
    this.#charts.locks.update(
      this.#samples.map((s) => s.t / 1000),
      this.#rates((s) => s.locks.acquired),
      this.#rates((s) => s.locks.waited),
      this.#rates((s) => s.locks.timeouts),
    );
  }

  /** Per-second differences of a counter over the samples. */
  #rates(read) {
    return this.#samples.map((sample, i) => {
      if (i === 0) return null;
      const seconds = (sample.t - this.#samples[i - 1].t) / 1000;
      return seconds > 0 ? Math.max(0, read(sample) - read(this.#samples[i - 1])) / seconds : null;
    });
  }
}
