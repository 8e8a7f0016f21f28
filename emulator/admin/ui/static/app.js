// The inspector's start: ask for the admin token when the server wants one, then show the views
// and poll what the visible ones need, once a second, only while the tab is in view.
import { Unauthorized, forgetToken, get, savedToken, saveToken } from "./api.js";
import * as clock from "./clock.js";
import * as controls from "./controls.js";
import { byId } from "./dom.js";
import * as requests from "./requests.js";
import * as state from "./state.js";
import { failed, onLocked, reachable } from "./status.js";
import * as webhooks from "./webhooks.js";

const PERIOD_MS = 1000;
const BACKGROUND_EVERY = 5; // deliveries are polled every 5th tick when their view is hidden

// A view whose read is slow (a very large state, a long outbox) is read less often: after each
// read it rests nine times as long as the read took, so the page never spends most of its time
// downloading the same thing again.
function paced(poll) {
  let restUntil = 0;
  return async () => {
    if (performance.now() < restUntil) return;
    const started = performance.now();
    try {
      await poll();
    } finally {
      restUntil = performance.now() + 9 * (performance.now() - started);
    }
  };
}

const VIEWS = {
  requests: { poll: requests.poll },
  state: { poll: paced(state.poll) },
  webhooks: { poll: paced(webhooks.poll) },
  controls: { poll: controls.poll },
};

let view = "requests";
let running = false;
let started = false;
let timer = null;
let inFlight = false;
let again = false;
let ticks = 0;

async function unlock() {
  let providers;
  try {
    providers = (await get("providers")).providers;
  } catch (error) {
    if (error instanceof Unauthorized) {
      showLogin(savedToken() ? "That is not this server's admin token." : "");
      return;
    }
    failed(error);
    setTimeout(unlock, 2000);
    return;
  }
  showMain(providers);
}

function showLogin(message) {
  running = false;
  clearTimeout(timer);
  forgetToken();
  for (const id of ["main", "clock-badge", "forget-token"]) byId(id).hidden = true;
  document.querySelector(".tabs").hidden = true;
  byId("login").hidden = false;
  byId("login-error").textContent = message;
  byId("token-input").focus();
}

function showMain(providers) {
  byId("login").hidden = true;
  byId("main").hidden = false;
  document.querySelector(".tabs").hidden = false;
  byId("forget-token").hidden = !savedToken();
  if (!started) {
    requests.init(providers);
    state.init();
    webhooks.init();
    controls.init(refreshNow);
    started = true;
  }
  running = true;
  refreshNow();
}

function refreshNow() {
  clearTimeout(timer);
  tick();
}

async function tick() {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  if (!document.hidden) {
    const polls = [requests.poll(), clock.poll()];
    if (view !== "requests") polls.push(VIEWS[view].poll());
    if (view !== "webhooks" && ticks++ % BACKGROUND_EVERY === 0) polls.push(VIEWS.webhooks.poll());
    try {
      await Promise.all(polls);
      reachable();
    } catch (error) {
      failed(error);
    }
  }
  inFlight = false;
  if (!running) return;
  if (again) {
    again = false;
    tick();
    return;
  }
  timer = setTimeout(tick, PERIOD_MS);
}

function show(name) {
  view = name;
  for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  }
  for (const key of Object.keys(VIEWS)) byId(`view-${key}`).hidden = key !== name;
  refreshNow();
}

onLocked(showLogin);
document.querySelector(".tabs").addEventListener("click", (event) => {
  const tab = event.target.closest("[role=tab]");
  if (tab) show(tab.dataset.view);
});
byId("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  saveToken(byId("token-input").value.trim());
  byId("token-input").value = "";
  unlock();
});
byId("forget-token").addEventListener("click", () => {
  forgetToken();
  location.reload();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && running) refreshNow();
});
unlock();
