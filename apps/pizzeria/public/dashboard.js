// The dashboard: asks the app for a snapshot every second (GET /dashboard/snapshot, with the
// admin token) and renders it. Plain ES modules; nothing is built and nothing comes from a CDN.
import { ApiError, api, forgetToken, readToken, saveToken } from './api.js';
import { AdminPanel, MyOrders, ResilienceControls } from './controls.js';
import { Panels } from './panels.js';

const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);

const panels = new Panels();
let since = 0;
let timer;
let polling = false;

function setStatus(text, state) {
  const status = $('status');
  status.textContent = text;
  status.className = `status ${state}`;
}

function askForToken(reason) {
  $('token-bar').hidden = false;
  document.body.classList.add('no-token');
  for (const button of document.querySelectorAll('button.admin')) button.disabled = true;
  setStatus(reason, 'down');
}

async function poll() {
  if (polling) return;
  polling = true;
  clearTimeout(timer);
  try {
    const snapshot = await api('GET', `/dashboard/snapshot?since=${since}`);
    since = panels.render(snapshot);
    orders.follow(snapshot.kitchen);
    setStatus(`live · ${new Date(snapshot.generatedAt).toLocaleTimeString()}`, 'live');
    document.body.dataset.updated = snapshot.generatedAt;
    timer = setTimeout(poll, POLL_MS);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetToken();
      askForToken('paused: the admin token was refused');
      return; // no retry: a refused token counts against the write budget
    }
    setStatus(error instanceof ApiError ? `${error.message}` : 'the app does not answer; retrying', 'down');
    timer = setTimeout(poll, error instanceof ApiError && error.status === 429 ? 5 * POLL_MS : POLL_MS);
  } finally {
    polling = false;
  }
}

/** After an action: a snapshot now, not in up to a second, and the pantry (stock may have moved). */
const refresh = () => {
  void poll();
  if (readToken()) admin.loadPantry().catch(() => {});
};

const orders = new MyOrders(refresh);
const admin = new AdminPanel(refresh);
new ResilienceControls(refresh);

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken($('token-input').value.trim());
  location.reload();
});

async function start() {
  const token = readToken();
  try {
    await admin.loadMenu();
  } catch (error) {
    setStatus(`cannot load the menu: ${error.message}`, 'down');
  }
  if (!token) {
    askForToken('paste the admin token to see the kitchen and the figures');
    return;
  }
  void poll();
  admin.loadPantry().catch(() => {});
}

void start();
