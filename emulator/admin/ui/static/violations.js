// The contract diff in the words the kit's strict marker prints when a test fails
// (format_violations in contracts/kit/pytest_plugin.py), so the page and a failing test read alike.
import { el } from "./dom.js";

const HEADLINE = "the client broke the documented contract:";

function violationLines(entry) {
  const lines = [{ kind: "request", text: `  ${entry.method} ${entry.path} → ${entry.status}  [${entry.provider} ${entry.operation || "?"}]` }];
  for (const violation of entry.violations) {
    lines.push({ kind: "where", text: `    - ${violation.location}: ${violation.message}` });
    lines.push({ kind: "expected", text: `        expected ${violation.expected}, got ${violation.got}` });
  }
  return lines;
}

export function diffBlock(entry) {
  const lines = [{ kind: "headline", text: HEADLINE }, ...violationLines(entry)];
  return el("pre", { className: "diff" },
    lines.map((line, index) => [index ? "\n" : "", el("span", { className: line.kind, text: line.text })]));
}
