// Small DOM helpers. Everything shown is put in as text (never as HTML), so a request body or a
// header from a client can never become markup on this page.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export const byId = (id) => document.getElementById(id);

// Bodies: JSON pretty-printed, anything else as it came.
function pretty(text) {
  if (text === null || text === undefined || text === "") return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return String(text);
  }
}

export function bodyBlock(text, emptyNote = "(no body)") {
  return text ? el("pre", { className: "body" }, pretty(text)) : el("p", { className: "muted", text: emptyNote });
}

export function headerTable(headers, emptyNote = "(none)") {
  const entries = Object.entries(headers || {});
  if (!entries.length) return el("p", { className: "muted", text: emptyNote });
  return el("table", { className: "kv" },
    el("tbody", {}, entries.map(([name, value]) =>
      el("tr", {}, el("th", { text: name }), el("td", { text: Array.isArray(value) ? value.join(", ") : String(value) })))));
}

export function facts(pairs) {
  return el("dl", { className: "facts" },
    pairs.filter(([, value]) => value !== undefined && value !== null && value !== "")
      .map(([name, value]) => [el("dt", { text: name }), el("dd", {}, value)]));
}

// Virtual times arrive as RFC 3339 with microseconds.
export function clockTime(iso) {
  if (!iso) return "";
  const match = /T(\d\d:\d\d:\d\d)(\.\d{1,3})?/.exec(iso);
  return match ? match[1] + (match[2] || ".000").padEnd(4, "0") : iso;
}

export function dateTime(iso) {
  if (!iso) return "";
  return iso.replace("T", " ").replace(/(\.\d{3})\d*/, "$1").replace("Z", " UTC");
}

export function micros(iso) {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(iso || "");
  if (!match) return NaN;
  return Date.parse(`${match[1]}Z`) * 1000 + Number((match[2] || "0").padEnd(6, "0").slice(0, 6));
}

export function duration(seconds) {
  const s = Math.abs(seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${+s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${+(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${+(s / 3600).toFixed(1)} h`;
  return `${+(s / 86400).toFixed(1)} days`;
}

export function statusClass(status) {
  if (!status) return "s0";
  return `s${String(status)[0]}`;
}
