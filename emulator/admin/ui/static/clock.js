// The virtual clock as the page knows it: the last reading from the server, run forward locally
// between readings unless frozen, shown in the top bar on every view.
import { get, post } from "./api.js";
import { byId, micros } from "./dom.js";

let reading = null; // { nowUs, frozen, offsetSeconds, at }
const listeners = new Set();

export function onClock(listener) {
  listeners.add(listener);
}

function accept(described) {
  reading = { nowUs: micros(described.now), frozen: described.frozen, offsetSeconds: described.offset_seconds, at: performance.now() };
  show();
}

export function virtualNowUs() {
  if (!reading) return null;
  return reading.frozen ? reading.nowUs : reading.nowUs + (performance.now() - reading.at) * 1000;
}

export function isoOf(us, { millis = true } = {}) {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  return millis ? iso : iso.replace(/\.\d{3}Z$/, "Z");
}

export async function poll() {
  accept(await get("clock"));
}

export const freeze = async () => accept(await post("clock/freeze"));
export const resume = async () => accept(await post("clock/resume"));
export const advance = async (seconds) => accept(await post("clock/advance", { seconds }));
export const setTo = async (time) => accept(await post("clock/set", { time }));

// Listeners hear of every new reading and, while the clock runs, of its ticks.
function show() {
  showBadge();
  for (const listener of listeners) listener(reading);
}

function showBadge() {
  const now = virtualNowUs();
  if (now === null) return;
  byId("clock-badge").hidden = false;
  byId("clock-now").textContent = isoOf(now, { millis: false }).replace("T", " ").replace("Z", " UTC");
  byId("clock-mode").textContent = reading.frozen ? "frozen" : "running";
  byId("clock-badge").classList.toggle("frozen", reading.frozen);
}

setInterval(() => {
  if (reading && !reading.frozen && !document.hidden) show();
}, 500);
