// Requests: the journal as a live list, filtered on the page, with one request opened in full.
// The list polls the journal feed for lines newer than the last one it has, adds only those,
// and keeps at most SHOWN rows in the table, so a full journal stays quick to show and follow.
import { ApiError, get } from "./api.js";
import { bodyBlock, byId, clockTime, dateTime, el, facts, headerTable, replace, statusClass } from "./dom.js";
import { action } from "./status.js";
import { diffBlock } from "./violations.js";

const KEEP = 5000; // lines kept on the page: a default journal (1000) whole, a larger one's newest
const SHOWN = 1000; // table rows at most, newest first

const lines = []; // feed lines, oldest first
const rows = new Map(); // seq → <tr> of the lines in the table
const seen = { tenant: new Set(), operation: new Set() };
let latest = 0; // the highest sequence number received
let capacity = null;
let selected = null;
let filter = null;

export function init(providers) {
  const select = byId("filter-provider");
  for (const name of Object.keys(providers)) select.append(el("option", { value: name, text: name }));
  const form = byId("request-filters");
  const refilter = () => {
    filter = readFilter();
    renderAll();
  };
  form.addEventListener("input", refilter);
  form.addEventListener("change", refilter);
  form.addEventListener("reset", () => setTimeout(refilter)); // the fields clear after the event
  form.addEventListener("submit", (event) => event.preventDefault());
  const body = byId("requests-body");
  body.addEventListener("click", (event) => openRow(event.target.closest(".list-row")));
  body.addEventListener("keydown", (event) => {
    if (event.key === "Enter") openRow(event.target.closest(".list-row"));
  });
  filter = readFilter();
}

export async function poll() {
  const feed = await get("journal/feed", { after: latest, limit: KEEP });
  if (feed.latest !== null && feed.latest < latest) {
    forgetAll(); // a restarted server numbers its requests from 1 again
    return poll();
  }
  capacity = feed.capacity;
  dropBefore(feed.oldest === null ? Infinity : feed.oldest);
  add(feed.entries);
  summarize();
}

function readFilter() {
  const status = byId("filter-status").value.trim().toLowerCase().replace(/x+$/, "");
  return {
    provider: byId("filter-provider").value,
    tenant: byId("filter-tenant").value.trim().toLowerCase(),
    operation: byId("filter-operation").value.trim().toLowerCase(),
    status, // "404" exactly, "4xx" or "4" by class, "40" by prefix
    violations: byId("filter-violations").checked,
  };
}

function matches(line) {
  return (!filter.provider || line.provider === filter.provider)
    && (!filter.tenant || (line.tenant || "").toLowerCase().includes(filter.tenant))
    && (!filter.operation || (line.operation || "").toLowerCase().includes(filter.operation))
    && (!filter.status || String(line.status).startsWith(filter.status))
    && (!filter.violations || line.violation_count > 0);
}

function add(entries) {
  const fresh = [];
  for (const line of entries) {
    lines.push(line);
    latest = Math.max(latest, line.seq);
    remember("tenant", line.tenant, "tenant-names");
    remember("operation", line.operation, "operation-names");
    if (matches(line)) fresh.push(line);
  }
  if (lines.length > KEEP) dropBefore(lines[lines.length - KEEP].seq);
  if (!fresh.length) return;
  const fragment = document.createDocumentFragment();
  for (let i = fresh.length - 1; i >= Math.max(0, fresh.length - SHOWN); i--) fragment.append(rowFor(fresh[i]));
  const body = byId("requests-body");
  body.prepend(fragment);
  while (rows.size > SHOWN) {
    const last = body.lastElementChild;
    rows.delete(Number(last.dataset.seq));
    last.remove();
  }
}

function dropBefore(oldest) {
  let count = 0;
  while (count < lines.length && lines[count].seq < oldest) count++;
  for (const line of lines.splice(0, count)) {
    rows.get(line.seq)?.remove();
    rows.delete(line.seq);
  }
}

function forgetAll() {
  lines.length = 0;
  latest = 0;
  renderAll();
}

function renderAll() {
  rows.clear();
  const fragment = document.createDocumentFragment();
  for (let i = lines.length - 1; i >= 0 && rows.size < SHOWN; i--) {
    if (matches(lines[i])) fragment.append(rowFor(lines[i]));
  }
  byId("requests-body").replaceChildren(fragment);
  summarize();
}

// Rows are cloned from one template and filled with text: a full journal is a thousand of them.
const ROW = document.createElement("template");
ROW.innerHTML = '<div class="list-row" role="row" tabindex="0"><span role="cell" class="seq"></span><span role="cell" class="time"></span>'
  + '<span role="cell"></span><span role="cell"></span><span role="cell" class="request"><b class="method"></b> <span class="path"></span></span>'
  + '<span role="cell" class="operation"></span><span role="cell" class="status"></span><span role="cell" class="num"></span>'
  + '<span role="cell" class="contract"></span></div>';

function rowFor(line) {
  const row = ROW.content.firstElementChild.cloneNode(true);
  const [seq, time, provider, tenant, request, operation, status, took, contract] = row.children;
  row.dataset.seq = line.seq;
  if (line.violation_count) row.classList.add("violating");
  if (line.seq === selected) row.classList.add("selected");
  seq.textContent = line.seq;
  time.textContent = clockTime(line.time);
  time.title = `${line.time} (virtual)`;
  provider.textContent = line.provider;
  tenant.textContent = line.tenant || "–";
  request.title = line.path;
  request.firstElementChild.textContent = line.method;
  request.lastElementChild.textContent = line.path;
  operation.textContent = line.operation || "(undocumented)";
  status.classList.add(statusClass(line.status));
  status.textContent = line.status || "dropped";
  took.textContent = line.duration_ms.toFixed(1);
  contract.append(contractBadge(line), ...line.marks.map((mark) => el("span", { className: "mark", text: mark })));
  rows.set(line.seq, row);
  return row;
}

function contractBadge(line) {
  if (!line.violation_count) return el("span", { className: "badge ok", text: "✓", title: "conforms to the documented contract" });
  const count = line.violation_count;
  return el("span", { className: "badge bad", text: `✗ ${count} violation${count === 1 ? "" : "s"}` });
}

function remember(kind, value, listId) {
  if (!value || seen[kind].has(value)) return;
  seen[kind].add(value);
  byId(listId).append(el("option", { value }));
}

function summarize() {
  let matching = 0;
  let violating = 0;
  for (const line of lines) {
    if (matches(line)) matching++;
    if (line.violation_count) violating++;
  }
  const parts = [`${rows.size} shown`];
  if (matching > rows.size) parts.push(`newest ${rows.size} of ${matching} matching`);
  parts.push(`${lines.length} in the journal${capacity ? ` (keeps ${capacity})` : ""}`);
  parts.push(`${violating} broke the documented contract`);
  byId("requests-summary").textContent = parts.join(" · ");
  const count = byId("requests-count");
  count.textContent = violating ? `${lines.length} · ${violating} ✗` : String(lines.length);
  count.classList.toggle("bad", violating > 0);
  const empty = byId("requests-empty");
  empty.hidden = rows.size > 0;
  empty.textContent = lines.length
    ? "No request matches the filters."
    : "No requests yet. Point a client at one of the providers and they appear here as they come.";
}

const openRow = action(async (row) => {
  if (!row) return;
  const seq = Number(row.dataset.seq);
  rows.get(selected)?.classList.remove("selected");
  selected = seq;
  row.classList.add("selected");
  const detail = byId("request-detail");
  replace(detail, el("p", { className: "muted", text: "Loading…" }));
  try {
    const entry = await get(`journal/${seq}`);
    if (selected === seq) replace(detail, ...requestDetail(entry));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    replace(detail, el("p", { className: "muted", text: `Request #${seq} is no longer in the journal (older requests fall out, and a reset empties it).` }));
  }
});

function requestDetail(entry) {
  const query = Object.keys(entry.query || {}).length ? [el("h4", { text: "Query" }), headerTable(entry.query)] : [];
  return [
    el("h2", { className: "detail-title" },
      el("span", { className: "method", text: entry.method }), " ",
      el("span", { className: "path", text: entry.path }), " ",
      el("span", { className: `status ${statusClass(entry.status)}`, text: `→ ${entry.status || "dropped"}` })),
    facts([
      ["request", `#${entry.seq}`],
      ["time", `${dateTime(entry.time)} (virtual)`],
      ["provider", entry.provider],
      ["tenant", entry.tenant || "–"],
      ["operation", entry.operation || "(undocumented)"],
      ["took", `${entry.duration_ms} ms`],
      ["marks", entry.marks.join(", ")],
    ]),
    contract(entry),
    el("section", { className: "exchange" }, el("h3", { text: "Request" }), query,
      el("h4", { text: "Headers" }), headerTable(entry.headers), el("h4", { text: "Body" }), bodyBlock(entry.body)),
    el("section", { className: "exchange" }, el("h3", { text: `Response ${entry.status || "(none: connection dropped)"}` }),
      el("h4", { text: "Headers" }), headerTable(entry.response.headers), el("h4", { text: "Body" }), bodyBlock(entry.response.body)),
  ];
}

function contract(entry) {
  const count = entry.violations.length;
  if (!count) return el("p", { className: "conforms", text: "✓ Conforms to the documented contract." });
  return el("section", { className: "violations" },
    el("h3", { text: `✗ ${count} contract violation${count === 1 ? "" : "s"}` }),
    diffBlock(entry));
}
