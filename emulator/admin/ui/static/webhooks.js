// Webhooks: every delivery in the outbox, and one opened with its attempts on the virtual clock,
// the headers it was signed with, its body and a replay button.
import { ApiError, get, post } from "./api.js";
import { virtualNowUs } from "./clock.js";
import { bodyBlock, byId, clockTime, dateTime, duration, el, facts, headerTable, micros, replace, statusClass } from "./dom.js";
import { action } from "./status.js";

const SHOWN = 500; // table rows at most, newest first

let deliveries = [];
let drawn = "";
let selected = null;
const openAttempts = new Set(); // "<delivery>#<attempt>" a person opened
let afterReplay = null; // what the last replay click said, kept across re-draws

export function init() {
  byId("deliveries-body").addEventListener("click", (event) => choose(event.target.closest(".list-row")));
  byId("deliveries-body").addEventListener("keydown", (event) => {
    if (event.key === "Enter") choose(event.target.closest(".list-row"));
  });
  byId("delivery-detail").addEventListener("click", (event) => {
    const summary = event.target.closest("summary");
    const key = summary?.parentElement.dataset.key;
    if (key) summary.parentElement.open ? openAttempts.delete(key) : openAttempts.add(key);
  });
}

export async function poll() {
  const data = await get("deliveries");
  const text = JSON.stringify(data.deliveries);
  if (text === drawn) return;
  drawn = text;
  deliveries = data.deliveries;
  renderList();
  renderDetail();
}

function renderList() {
  const newest = deliveries.slice(-SHOWN).reverse();
  byId("deliveries-body").replaceChildren(...newest.map(rowFor));
  byId("deliveries-empty").hidden = deliveries.length > 0;
  const counts = {};
  for (const delivery of deliveries) counts[delivery.status] = (counts[delivery.status] || 0) + 1;
  byId("webhooks-summary").textContent = [`${deliveries.length} deliver${deliveries.length === 1 ? "y" : "ies"}`,
    ...["pending", "sending", "succeeded", "failed"].filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`)].join(" · ");
  const badge = byId("webhooks-count");
  badge.textContent = deliveries.length ? String(deliveries.length) : "";
  badge.classList.toggle("bad", Boolean(counts.failed));
}

function rowFor(delivery) {
  const last = delivery.attempts[delivery.attempts.length - 1];
  const cell = (props, ...children) => el("span", { role: "cell", ...props }, ...children);
  return el("div", { className: `list-row${delivery.id === selected ? " selected" : ""}`, role: "row", tabIndex: 0, dataset: { id: delivery.id } },
    cell({ className: "time", text: clockTime(delivery.created), title: `${delivery.created} (virtual)` }),
    cell({ text: delivery.tenant ? `${delivery.provider} · ${delivery.tenant}` : delivery.provider }),
    cell({ className: "event", text: delivery.type || "–", title: delivery.type }),
    cell({ className: "path", text: `${delivery.method} ${delivery.url}`, title: delivery.url }),
    cell({}, statusBadge(delivery.status)),
    cell({ className: "num", text: delivery.attempts.length }),
    cell({ className: last ? `status ${statusClass(last.status)}` : "muted" },
      last ? answer(last) : "–",
      delivery.next_attempt ? el("span", { className: "muted", text: ` · next ${clockTime(delivery.next_attempt)}` }) : null));
}

function statusBadge(status) {
  return el("span", { className: `badge delivery-${status}`, text: status });
}

function answer(attempt) {
  return attempt.status ? String(attempt.status) : attempt.error || "no answer";
}

function succeeded(attempt) {
  return attempt.status >= 200 && attempt.status < 300;
}

function choose(row) {
  if (!row) return;
  if (selected !== row.dataset.id) afterReplay = null;
  selected = row.dataset.id;
  for (const other of byId("deliveries-body").querySelectorAll(".selected")) other.classList.remove("selected");
  row.classList.add("selected");
  renderDetail();
}

function renderDetail() {
  const delivery = deliveries.find((d) => d.id === selected);
  if (!delivery) return;
  const finished = delivery.status === "succeeded" || delivery.status === "failed";
  replace(byId("delivery-detail"),
    el("h2", { className: "detail-title" }, el("span", { text: delivery.type || "(no event type)" }), " ", statusBadge(delivery.status)),
    facts([
      ["delivery", el("code", { text: delivery.id })],
      ["message id", el("code", { text: delivery.message_id })],
      ["provider", `${delivery.provider}${delivery.tenant ? ` · tenant ${delivery.tenant}` : ""}`],
      ["destination", `${delivery.method} ${delivery.url}`],
      ["endpoint", delivery.endpoint],
      ["ordering key", delivery.ordering_key],
      ["event time", `${dateTime(delivery.occurred)} (virtual)`],
      ["queued", `${dateTime(delivery.created)} (virtual)`],
      ["attempts left", String(delivery.attempts_left)],
    ]),
    el("div", { className: "row" },
      el("button", { type: "button", id: "replay", disabled: !finished, on: { click: replay(delivery.id) },
        title: finished ? "Send it again: same message id, a fresh set of attempts" : "A delivery can be replayed once it has succeeded or failed" },
      "Replay"),
      el("span", { className: "muted", id: "replay-note", text: afterReplay || "" })),
    el("section", {}, el("h3", { text: "Attempts" }), timeline(delivery), attemptList(delivery)),
    el("section", {}, el("h3", { text: "Signed headers" }), signedHeaders(delivery)),
    el("section", {}, el("h3", { text: "Body" }), bodyBlock(delivery.request.body)));
}

// Attempts (and the next one) placed on the virtual time from queueing to the last of them.
function timeline(delivery) {
  const start = micros(delivery.created);
  const points = delivery.attempts.map((attempt) => ({
    at: micros(attempt.time), kind: succeeded(attempt) ? "ok" : "fail", label: `#${attempt.attempt}`,
    title: `#${attempt.attempt} ${clockTime(attempt.time)}: ${answer(attempt)}, ${attempt.latency_ms} ms`,
  }));
  if (delivery.next_attempt) {
    const number = delivery.attempts.length + 1;
    points.push({ at: micros(delivery.next_attempt), kind: "next", label: `#${number}`, title: `#${number} due ${clockTime(delivery.next_attempt)}` });
  }
  const end = Math.max(start + 1, ...points.map((point) => point.at));
  let previous = { left: -Infinity, level: 0 };
  let top = 0;
  const track = el("div", { className: "track" }, points.map((point) => {
    const left = ((point.at - start) / (end - start)) * 100;
    // Attempts at (nearly) the same virtual instant, e.g. a replay on a frozen clock, stack upwards.
    const level = left - previous.left < 4 ? previous.level + 1 : 0;
    previous = { left, level };
    top = Math.max(top, level);
    const dot = el("span", { className: `dot ${point.kind}`, title: point.title, text: point.label });
    dot.style.left = `${left}%`;
    dot.style.bottom = `${level * 20 - 10}px`;
    return dot;
  }));
  track.style.height = `${26 + 20 * top}px`;
  return el("div", { className: "timeline" }, track,
    el("div", { className: "axis" }, el("span", { text: `queued ${clockTime(delivery.created)}` }),
      el("span", { text: end > start + 1 ? `${clockTime(new Date(end / 1000).toISOString())} (+${duration((end - start) / 1e6)})` : "" })));
}

function attemptList(delivery) {
  let previous = micros(delivery.created);
  const items = delivery.attempts.map((attempt) => {
    const at = micros(attempt.time);
    const gap = `+${duration((at - previous) / 1e6)} after ${attempt.attempt === 1 ? "queueing" : "the previous attempt"}`;
    previous = at;
    const key = `${delivery.id}#${attempt.attempt}`;
    return el("li", { className: `attempt ${succeeded(attempt) ? "ok" : "fail"}` },
      el("div", { className: "attempt-head" },
        el("b", { text: `#${attempt.attempt}` }),
        el("span", { className: `status ${statusClass(attempt.status)}`, text: answer(attempt) }),
        el("span", { text: `${attempt.latency_ms} ms` }),
        el("span", { className: "muted", text: `${dateTime(attempt.time)} (virtual) · ${gap}` }),
        (attempt.faults || []).map((fault) => el("span", { className: "mark", text: fault }))),
      el("details", { dataset: { key }, open: openAttempts.has(key) },
        el("summary", { text: "what was sent and answered" }),
        el("h4", { text: `Sent: ${attempt.request.method} ${attempt.request.url}` }), headerTable(attempt.request.headers),
        el("h4", { text: "Answer" }), attempt.response ? [headerTable(attempt.response.headers), bodyBlock(attempt.response.body)]
          : el("p", { className: "muted", text: attempt.error || "no answer" })));
  });
  if (delivery.next_attempt) {
    const due = micros(delivery.next_attempt);
    const now = virtualNowUs();
    const when = now === null ? "" : due > now ? ` — in ${duration((due - now) / 1e6)} on the virtual clock` : " — due now";
    items.push(el("li", { className: "attempt next" },
      el("div", { className: "attempt-head" }, el("b", { text: `#${delivery.attempts.length + 1}` }),
        el("span", { text: `next attempt at ${dateTime(delivery.next_attempt)} (virtual)${when}` }))));
  }
  if (!items.length) return el("p", { className: "muted", text: "Not attempted yet." });
  return el("ol", { className: "attempts" }, items);
}

function signedHeaders(delivery) {
  const last = delivery.attempts[delivery.attempts.length - 1];
  if (!last) return [el("p", { className: "muted", text: "Signed per attempt; the fixed headers so far:" }), headerTable(delivery.request.headers)];
  return [el("p", { className: "muted", text: `As sent with attempt #${last.attempt} (each attempt is signed afresh):` }), headerTable(last.request.headers)];
}

function replay(id) {
  return action(async () => {
    try {
      await post(`deliveries/${encodeURIComponent(id)}/replay`);
      afterReplay = "Queued again: the new attempts appear below.";
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      afterReplay = error.message;
    }
    byId("replay-note").textContent = afterReplay;
    await poll();
  });
}
