// State: what each tenant holds now (GET /_telemock/state), collection by collection, with a
// search over the objects. Re-drawn only when the state changed, keeping what a person opened.
import { get } from "./api.js";
import { isoOf } from "./clock.js";
import { byId, el, replace } from "./dom.js";

const PER_COLLECTION = 200; // objects drawn per collection at most; the search narrows the rest
const SUMMARY_FIELDS = ["status", "number", "phoneNumber", "phone_number", "name", "type", "url", "email"];

let snapshot = null;
let drawn = ""; // the providers' and endpoints' JSON last drawn
const toggled = new Map(); // <details> key → open, for the ones a person opened or closed

export function init() {
  byId("state-filters").addEventListener("submit", (event) => event.preventDefault());
  byId("state-provider").addEventListener("change", () => {
    fillTenants();
    render();
  });
  byId("state-tenant").addEventListener("change", render);
  byId("state-search").addEventListener("input", render);
  byId("state-body").addEventListener("click", (event) => {
    const summary = event.target.closest("summary");
    if (summary) toggled.set(summary.parentElement.dataset.key, !summary.parentElement.open);
  });
}

export async function poll() {
  const fresh = await get("state");
  const text = JSON.stringify([fresh.providers, fresh.webhook_endpoints]);
  if (text === drawn) return;
  drawn = text;
  snapshot = fresh;
  fillOptions(byId("state-provider"), Object.keys(snapshot.providers));
  fillTenants();
  render();
}

function fillOptions(select, values, allLabel) {
  const wanted = [...(allLabel ? [""] : []), ...values];
  const present = [...select.options].map((option) => option.value);
  if (wanted.join("\n") === present.join("\n")) return;
  const keep = select.value;
  select.replaceChildren(...wanted.map((value) => el("option", { value, text: value || allLabel })));
  if (wanted.includes(keep)) select.value = keep;
}

function fillTenants() {
  const provider = snapshot?.providers[byId("state-provider").value];
  fillOptions(byId("state-tenant"), Object.keys(provider?.tenants || {}), "all tenants");
}

function render() {
  if (!snapshot) return;
  const name = byId("state-provider").value;
  const provider = snapshot.providers[name];
  const body = byId("state-body");
  if (!provider) {
    replace(body, el("p", { className: "empty", text: "No providers." }));
    return;
  }
  const term = byId("state-search").value.trim().toLowerCase();
  const chosen = byId("state-tenant").value;
  const tenants = chosen ? [chosen] : Object.keys(provider.tenants);
  let found = 0;
  const sections = tenants.filter((tenant) => provider.tenants[tenant]).map((tenant) => {
    const groups = collections(name, tenant, provider.tenants[tenant]).map((group) => {
      const items = term ? group.items.filter(([id, value]) => matches(id, value, term)) : group.items;
      found += items.length;
      return { ...group, items };
    }).filter((group) => !term || group.items.length);
    return el("section", { className: "tenant" },
      el("h2", { text: `${tenant}` }, el("span", { className: "muted", text: ` — ${name} tenant` })),
      groups.map((group) => groupBlock(`${name}/${tenant}/${group.name}`, group, term)),
      term && !groups.length ? el("p", { className: "muted", text: "Nothing here matches." }) : null);
  });
  const settings = details(`${name}/settings`, false, el("summary", { text: `settings · profile ${provider.profile}` }),
    jsonBlock(provider.settings));
  replace(body, settings, sections);
  byId("state-summary").textContent =
    `${name}: ${tenants.length} tenant${tenants.length === 1 ? "" : "s"} shown · ${found} object${found === 1 ? "" : "s"}${term ? ` matching “${term}”` : ""}`;
}

// A tenant's state is plain data: collections keyed by id, lists, or single records.
function collections(provider, tenant, state) {
  const groups = Object.entries(state).map(([name, value]) => {
    if (Array.isArray(value)) return { name, items: value.map((item, index) => [item?.id ?? String(index), item]) };
    const values = value && typeof value === "object" ? Object.values(value) : [];
    if (value && typeof value === "object" && values.every((item) => item && typeof item === "object" && !Array.isArray(item))) {
      return { name, items: Object.entries(value) };
    }
    return { name, items: [[name, value]] };
  });
  const endpoints = (snapshot.webhook_endpoints || []).filter((e) => e.provider === provider && e.tenant === tenant);
  if (endpoints.length) groups.push({ name: "webhook endpoints (control API)", items: endpoints.map((e) => [e.id, e]) });
  return groups;
}

function matches(id, value, term) {
  return String(id).toLowerCase().includes(term) || JSON.stringify(value).toLowerCase().includes(term);
}

function groupBlock(key, group, term) {
  const shown = group.items.slice(0, PER_COLLECTION);
  const more = group.items.length - shown.length;
  return details(key, true,
    el("summary", {}, el("b", { text: group.name }), el("span", { className: "muted", text: ` ${group.items.length}` })),
    group.items.length ? null : el("p", { className: "muted", text: "(empty)" }),
    shown.map(([id, value]) => objectBlock(`${key}/${id}`, id, value, Boolean(term))),
    more > 0 ? el("p", { className: "muted", text: `${more} more — narrow the search to see them` }) : null);
}

function objectBlock(key, id, value, searching) {
  const hints = value && typeof value === "object"
    ? SUMMARY_FIELDS.filter((field) => value[field] !== undefined && value[field] !== null && value[field] !== "").map((field) => value[field])
    : [];
  return details(key, searching, el("summary", {}, el("code", { text: id }), hints.length ? el("span", { className: "muted", text: ` · ${hints.join(" · ")}` }) : null),
    jsonBlock(value));
}

function details(key, openByDefault, ...children) {
  const open = toggled.has(key) ? toggled.get(key) : openByDefault;
  return el("details", { className: "state-block", dataset: { key }, open }, ...children);
}

// JSON as stored, with each `…_us` time (integer microseconds) read out as a date.
function jsonBlock(value) {
  const parts = [];
  for (const line of JSON.stringify(value, null, 2).split("\n")) {
    parts.push(line);
    const time = /"[\w]*_us": (\d{12,17}),?$/.exec(line);
    if (time) parts.push(el("span", { className: "hint", text: `  ${isoOf(Number(time[1]))}` }));
    parts.push("\n");
  }
  return el("pre", { className: "body" }, parts);
}
