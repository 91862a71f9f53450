// What a person can do from the page: place orders and move them through the kitchen, and the
// admin controls (prices, the menu cache, stock, "break Redis"). Every call goes to the app's API.
import { ApiError, api } from './api.js';
import { h } from './panels.js';

const $ = (id) => document.getElementById(id);

function say(id, text, error = false) {
  const message = $(id);
  message.textContent = text;
  message.classList.toggle('error', error);
}

function explain(error) {
  return error instanceof ApiError
    ? `${error.message} (${error.code})`
    : `the app did not answer: ${error.message}`;
}

/** Runs `action` with `button` disabled, and reports a failure in the message `messageId`. */
async function busy(button, messageId, action) {
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    say(messageId, explain(error), true);
  } finally {
    button.disabled = false;
  }
}

/** Orders placed from this page, and their buttons. */
export class MyOrders {
  #orders = new Map();
  #refresh;

  /** `refresh` asks for a new snapshot at once (after an action). */
  constructor(refresh) {
    this.#refresh = refresh;
    for (const order of JSON.parse(sessionStorage.getItem('pizzeria-orders') ?? '[]'))
      this.#orders.set(order.id, order);
    $('order-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void busy($('place-order'), 'order-message', () => this.#place(new FormData(event.target)));
    });
    for (const button of $('station-buttons').querySelectorAll('button')) {
      button.addEventListener(
        'click',
        () => void busy(button, 'order-message', () => this.#next(button.dataset.station)),
      );
    }
    this.#render();
  }

  async #place(form) {
    const body = {
      customerId: String(form.get('customerId')).trim(),
      items: [{ menuItemId: String(form.get('menuItemId')), quantity: Number(form.get('quantity')) }],
      priority: Number(form.get('priority')),
    };
    let order = await api('POST', '/orders', body);
    this.#remember(order);
    if (form.get('process') === 'on' && sessionStorage.getItem('pizzeria-admin-token')) {
      const result = await api('POST', `/orders/${encodeURIComponent(order.id)}/process`);
      order = result.order;
      this.#remember(order);
      say(
        'order-message',
        result.outcome === 'rejected'
          ? `rejected: ${order.rejectionReason ?? 'not enough stock'}`
          : `order ${order.id.slice(0, 8)} is in the kitchen queue`,
      );
    } else {
      say('order-message', `order ${order.id.slice(0, 8)} placed (pending)`);
    }
    this.#refresh();
  }

  async #process(id) {
    const result = await api('POST', `/orders/${encodeURIComponent(id)}/process`);
    this.#remember(result.order);
    say('order-message', `order ${id.slice(0, 8)}: ${result.outcome}`);
    this.#refresh();
  }

  async #next(station) {
    const next = await api('POST', '/kitchen/next', { stationId: station });
    if (next === null) say('order-message', `${station}: nothing waiting`);
    else {
      if (this.#orders.has(next.order.id)) this.#remember(next.order);
      say('order-message', `${station} is cooking ${next.order.id.slice(0, 8)}`);
    }
    this.#refresh();
  }

  async #complete(id) {
    const result = await api('POST', `/orders/${encodeURIComponent(id)}/complete`);
    this.#remember(result.order);
    say('order-message', `order ${id.slice(0, 8)} completed`);
    this.#refresh();
  }

  /** Follows the kitchen: an order of ours in the queue is queued, at a station cooking. */
  follow(kitchen) {
    if (kitchen.error) return;
    const queued = new Set(kitchen.queue.map((order) => order.orderId));
    const cooking = new Map(
      kitchen.stations.flatMap(({ station, tickets }) => tickets.map((t) => [t.orderId, station])),
    );
    let changed = false;
    for (const order of this.#orders.values()) {
      const status = cooking.has(order.id) ? 'cooking' : queued.has(order.id) ? 'queued' : order.status;
      if (status !== order.status) {
        this.#orders.set(order.id, { ...order, status, station: cooking.get(order.id) ?? order.station });
        changed = true;
      }
    }
    if (changed) this.#render();
  }

  #remember(order) {
    this.#orders.delete(order.id);
    this.#orders.set(order.id, order);
    while (this.#orders.size > 8) this.#orders.delete(this.#orders.keys().next().value);
    sessionStorage.setItem('pizzeria-orders', JSON.stringify([...this.#orders.values()]));
    this.#render();
  }

  #render() {
    const rows = [...this.#orders.values()].reverse().map((order) => {
      const actions = h('td');
      if (order.status === 'pending') actions.append(this.#button('Process', () => this.#process(order.id)));
      if (order.status === 'cooking')
        actions.append(this.#button('Complete', () => this.#complete(order.id)));
      return h(
        'tr',
        { 'data-order': order.id, 'data-status': order.status },
        h('td', { title: order.id }, h('code', {}, order.id.slice(0, 8))),
        h('td', {}, order.lines.map((line) => `${line.quantity}× ${line.menuItemId}`).join(', ')),
        h('td', { class: 'num' }, String(order.priority)),
        h(
          'td',
          { class: 'status-cell' },
          order.station && order.status === 'cooking' ? `cooking at ${order.station}` : order.status,
        ),
        actions,
      );
    });
    $('my-orders').tBodies[0].replaceChildren(
      ...(rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'none yet'))]),
    );
  }

  #button(label, action) {
    const button = h(
      'button',
      { type: 'button', class: 'small admin', 'data-action': label.toLowerCase() },
      label,
    );
    button.addEventListener('click', () => void busy(button, 'order-message', action));
    return button;
  }
}

/** Prices, the menu cache and the pantry (admin). */
export class AdminPanel {
  #refresh;

  constructor(refresh) {
    this.#refresh = refresh;
    $('invalidate-menu').addEventListener(
      'click',
      (event) =>
        void busy(event.currentTarget, 'admin-message', async () => {
          const { deleted } = await api('DELETE', '/menu/cache');
          say('admin-message', `menu cache invalidated: ${deleted} keys deleted (the next reads are misses)`);
          this.#refresh();
        }),
    );
  }

  /** Fills the menu's price editor and the pizza selector. */
  showMenu(items) {
    const select = $('pizza-select');
    const chosen = select.value;
    select.replaceChildren(
      ...items.map((item) => h('option', { value: item.id }, `${item.name} — € ${item.price.toFixed(2)}`)),
    );
    if (chosen) select.value = chosen;
    $('menu-admin').tBodies[0].replaceChildren(
      ...items.map((item) => {
        const input = h('input', {
          type: 'number',
          min: '0.5',
          max: '1000',
          step: '0.01',
          value: item.price.toFixed(2),
          'aria-label': `price of ${item.name}`,
        });
        const save = h('button', { type: 'button', class: 'small admin secondary' }, 'Save');
        save.addEventListener(
          'click',
          () =>
            void busy(save, 'admin-message', async () => {
              const updated = await api('PATCH', `/menu/${item.id}`, { price: Number(input.value) });
              say(
                'admin-message',
                `${updated.name} now costs € ${updated.price.toFixed(2)} (SQL first, then its cached copies dropped)`,
              );
              await this.loadMenu();
            }),
        );
        return h('tr', {}, h('td', {}, item.name), h('td', {}, input), h('td', {}, save));
      }),
    );
  }

  async loadMenu() {
    this.showMenu((await api('GET', '/menu')).items);
  }

  async loadPantry() {
    const { ingredients } = await api('GET', '/inventory');
    $('pantry').tBodies[0].replaceChildren(
      ...ingredients.map((ingredient) => {
        const restock = h(
          'button',
          { type: 'button', class: 'small admin secondary', 'data-ingredient': ingredient.id },
          '+100',
        );
        restock.addEventListener(
          'click',
          () =>
            void busy(restock, 'pantry-message', async () => {
              const { stock } = await api('POST', `/inventory/${ingredient.id}/adjust`, { change: 100 });
              say(
                'pantry-message',
                `${ingredient.name}: ${stock} ${ingredient.unit} (under its lock, fenced)`,
              );
              await this.loadPantry();
            }),
        );
        return h(
          'tr',
          {},
          h('td', {}, ingredient.name),
          h('td', { class: 'num' }, `${ingredient.stock} ${ingredient.unit}`),
          h('td', {}, restock),
        );
      }),
    );
  }
}

/** "Break Redis" (CHAOS=1) and a customer who reads the menu through the breaker every second. */
export class ResilienceControls {
  #browsing;

  constructor(refresh) {
    const toggle = $('chaos-toggle');
    toggle.addEventListener(
      'click',
      () =>
        void busy(toggle, 'resilience-message', async () => {
          const broken = toggle.getAttribute('aria-pressed') !== 'true';
          await api('PUT', '/dashboard/chaos', { broken });
          say('resilience-message', broken ? 'Redis is broken: every cache call fails now' : 'Redis is back');
          refresh();
        }),
    );
    const browse = $('browse-toggle');
    browse.addEventListener('click', () => {
      const on = browse.getAttribute('aria-pressed') !== 'true';
      browse.setAttribute('aria-pressed', String(on));
      clearInterval(this.#browsing);
      if (on) this.#browsing = setInterval(() => void this.#read(), 1000);
      if (on) void this.#read();
    });
  }

  async #read() {
    try {
      const { item, source } = await api('GET', '/menu/margherita/resilient');
      say('resilience-message', `${item.name} € ${item.price.toFixed(2)}, served from the ${source}`);
    } catch (error) {
      say('resilience-message', explain(error), true);
    }
  }
}
