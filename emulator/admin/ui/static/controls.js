// Clock, faults, profiles: the virtual clock with freeze / resume / advance / set, each
// provider's profile (switchable), and the fault rules in force with how often each fired.
import { ApiError, del, get, put } from "./api.js";
import * as clock from "./clock.js";
import { byId, dateTime, duration, el } from "./dom.js";
import { action } from "./status.js";

let changed = () => {};
let drawnProfiles = "";
let drawnFaults = "";

export function init(onChange) {
  changed = onChange;
  byId("clock-freeze").addEventListener("click", clockAction(() => clock.freeze()));
  byId("clock-resume").addEventListener("click", clockAction(() => clock.resume()));
  byId("clock-advance-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = Number(byId("advance-amount").value) * Number(byId("advance-unit").value);
    clockAction(() => clock.advance(seconds))();
  });
  byId("clock-quick").addEventListener("click", (event) => {
    const seconds = event.target.closest("button")?.dataset.seconds;
    if (seconds) clockAction(() => clock.advance(Number(seconds)))();
  });
  byId("clock-set-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clockAction(() => clock.setTo(byId("clock-set-input").value.trim()))();
  });
  clock.onClock(showClock);
}

export async function poll() {
  const [profiles, faults] = await Promise.all([get("profiles"), get("faults")]);
  showProfiles(profiles);
  showFaults(faults.faults);
}

// A clock change moves timers and deliveries: the other views are asked to look again.
function clockAction(change) {
  return action(async () => {
    byId("clock-error").textContent = "";
    try {
      await change();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      byId("clock-error").textContent = error.message;
    }
    changed();
  });
}

function showClock(reading) {
  byId("clock-time").textContent = dateTime(clock.isoOf(clock.virtualNowUs()));
  const offset = reading.offsetSeconds;
  const drift = Math.abs(offset) < 1 ? "level with real time" : `${duration(offset)} ${offset > 0 ? "ahead of" : "behind"} real time`;
  byId("clock-detail").textContent = reading.frozen
    ? `Frozen, ${drift}: it stands still until you advance, set or resume it.`
    : `Running, ${drift}.`;
  byId("clock-freeze").disabled = reading.frozen;
  byId("clock-resume").disabled = !reading.frozen;
}

function showProfiles(profiles) {
  const text = JSON.stringify(profiles);
  if (text === drawnProfiles) return;
  drawnProfiles = text;
  const rows = Object.entries(profiles).map(([provider, { profile, available }]) =>
    el("tr", {},
      el("th", { text: provider }),
      el("td", {}, el("select", { "aria-label": `${provider} profile`, dataset: { provider }, on: { change: switchProfile } },
        available.map((name) => el("option", { value: name, text: name, selected: name === profile }))))));
  byId("profiles-table").tBodies[0].replaceChildren(...rows);
}

const switchProfile = action(async (event) => {
  const select = event.target;
  byId("profiles-error").textContent = "";
  try {
    await put("profiles", { provider: select.dataset.provider, profile: select.value });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    byId("profiles-error").textContent = error.message;
  }
  drawnProfiles = "";
  await poll();
  changed();
});

function showFaults(faults) {
  const text = JSON.stringify(faults);
  if (text === drawnFaults) return;
  drawnFaults = text;
  byId("faults-body").replaceChildren(...faults.map((rule) =>
    el("tr", { dataset: { id: rule.id } },
      el("td", { text: rule.id }),
      el("td", { text: rule.target }),
      el("td", { text: effectOf(rule), title: rule.description || null }),
      el("td", { className: "match", text: Object.entries(rule.match).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`).join(" ") || "everything" }),
      el("td", { text: `${rule.probability}` }),
      el("td", { className: "num", text: rule.matched }),
      el("td", { className: "num fired", text: rule.fired }),
      el("td", { className: "num", text: rule.remaining === null ? "∞" : rule.remaining }),
      el("td", {}, el("button", { type: "button", className: "quiet", text: "remove", on: { click: removeFault(rule.id) } })))));
  byId("faults-empty").hidden = faults.length > 0;
}

function effectOf(rule) {
  const details = [];
  if (rule.status) details.push(String(rule.status));
  if (rule.latency !== undefined && rule.latency !== null) details.push(`latency ${Array.isArray(rule.latency) ? rule.latency.join("–") : rule.latency} s`);
  if (rule.mode) details.push(rule.mode);
  if (rule.copies) details.push(`×${rule.copies}`);
  return details.length ? `${rule.effect} (${details.join(", ")})` : rule.effect;
}

function removeFault(id) {
  return action(async () => {
    byId("faults-error").textContent = "";
    try {
      await del(`faults/${id}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      byId("faults-error").textContent = error.message;
    }
    await poll();
  });
}
