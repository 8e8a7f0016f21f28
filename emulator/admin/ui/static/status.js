// One place that hears of failed calls: a 401 locks the page (the token is wrong or gone),
// anything else shows in the top bar until a call succeeds again.
import { Unauthorized } from "./api.js";
import { byId } from "./dom.js";

let lock = () => {};

export function onLocked(handler) {
  lock = handler;
}

export function failed(error) {
  if (error instanceof Unauthorized) {
    lock(error.message);
    return;
  }
  const line = byId("connection");
  line.textContent = error instanceof TypeError ? "cannot reach telemock — retrying" : error.message;
  line.classList.add("failing");
}

export function reachable() {
  const line = byId("connection");
  if (!line.classList.contains("failing")) return;
  line.textContent = "";
  line.classList.remove("failing");
}

// A click or form handler whose failure is reported rather than lost.
export function action(handler) {
  return async (...args) => {
    try {
      await handler(...args);
    } catch (error) {
      failed(error);
    }
  };
}
