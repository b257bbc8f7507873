/*
 * Saving: one request at a time, in order, each for the sentence it was for.
 *
 * Why fetch and not hx-post on the panel's form: the panel is one form that serves
 * whichever sentence is selected, and htmx's per-element request queue re-reads the
 * form when a queued request finally goes, or drops it ("queue last"). Here each save
 * captures its sentence and values when the key is pressed, and saves go one after the
 * other, in order, none dropped. Each answer is the sentence's fragment with the
 * progress bar out of band, swapped in by htmx.swap(). A save is shown only once the
 * server has answered it: on a failure (refused, server error, lost session, no
 * network) the sentence shows the error and keeps its saved markers.
 *
 * Every write that changed something is remembered for Undo, newest last, named by its
 * claim and its number in the claim's history (data-seq on the reviewer's own markers).
 */

import { csrfToken, describe, loginUrl } from "../failures.js";
import { fillPanel, markCurrent, revertLabel } from "./panel.js";
import { NAMES, part, setStatus, state, tagFor } from "./state.js";

let queue = Promise.resolve();

/* The changes that Undo takes back, newest last: {id, start, end, seq, words}. */
export const undoable = [];

/* `change`: for a write, the claim it writes ({start, end}), so that once it is
   saved it can be undone; with `undo: true` it is an undo itself. */
export function request(el, url, method, data, change) {
  const id = el.id;
  state.pending += 1;
  el.classList.add("is-saving");
  el.setAttribute("aria-busy", "true");
  if (id === state.currentId) setStatus("Saving…");
  queue = queue
    .then(function () {
      return send(id, url, method, data, change);
    })
    .catch(function (err) {
      fail(id, 0, String(err));
    })
    .finally(function () {
      state.pending -= 1;
      const now = document.getElementById(id);
      if (now) {
        now.classList.remove("is-saving");
        now.removeAttribute("aria-busy");
      }
    });
}

async function send(id, url, method, data, change) {
  let response;
  let text = "";
  const before = change && document.getElementById(id) ? tagFor(document.getElementById(id), change) : null;
  try {
    response = await fetch(url, {
      method: method,
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
      signal: AbortSignal.timeout(20000),
    });
    text = await response.text();
  } catch (err) {
    return fail(id, err && err.name === "TimeoutError" ? "timeout" : 0, "");
  }
  // A login page reached through a redirect is a lost session, not an answer.
  if (response.redirected && new URL(response.url).pathname === new URL(loginUrl, window.location.href).pathname) {
    return fail(id, 401, "");
  }
  if (!response.ok) return fail(id, response.status, text, method === "GET" ? "Could not load" : "");
  // Only the sentence itself may replace the sentence (not a proxy's page, say).
  if (text.indexOf('id="' + id + '"') === -1) return fail(id, "unexpected", "");
  const target = document.getElementById(id);
  if (!target) return;
  window.htmx.swap(target, text, { swapStyle: "outerHTML" });
  const fresh = document.getElementById(id);
  const done = fresh && change ? changed(fresh, change, before) : "";
  if (fresh && id === state.currentId) {
    markCurrent(fresh);
    if (!state.dirty) fillPanel(fresh);
    setStatus(method === "GET" ? "" : done === "cleared" ? "Cleared" : change && change.undo ? "Undone" : "Saved");
    if (document.activeElement === document.body) fresh.focus({ preventScroll: true });
  }
}

/* What a saved write did to its claim ("cleared", "tagged", "changed" or "" for
   nothing), remembering it for Undo unless it was an undo itself. */
function changed(el, change, before) {
  const after = tagFor(el, change);
  let seq = 0;
  let what = "";
  if (after && (!before || after.seq !== before.seq)) {
    seq = after.seq;
    what = before ? "changed" : "tagged";
  } else if (!after && before) {
    seq = before.seq + 1;
    what = "cleared";
  }
  if (!what) return "";
  const whole = change.start === Number(el.dataset.start) && change.end === Number(el.dataset.end);
  const where = (whole ? "" : "a span of ") + "sentence " + el.dataset.position;
  if (change.undo) {
    showUndo("Undone on " + where + ".");
    return what;
  }
  let words = "Tag cleared on " + where + ".";
  if (what === "tagged") words = where[0].toUpperCase() + where.slice(1) + " tagged " + NAMES[after.label] + ".";
  if (what === "changed") {
    words = "Tag on " + where + " changed" + (after.label !== before.label ? " to " + NAMES[after.label] : "") + ".";
  }
  undoable.push({ id: el.id, start: change.start, end: change.end, seq: seq, words: words });
  if (undoable.length > 100) undoable.shift();
  showUndo(words);
  return what;
}

function showUndo(words) {
  const box = part("undo");
  if (!box) return;
  part("undo-text").textContent = words;
  const button = box.querySelector('[data-action="undo"]');
  const last = undoable[undoable.length - 1];
  button.hidden = !last;
  button.setAttribute("aria-label", last ? "Undo: " + last.words : "Undo");
  box.hidden = false;
}

function fail(id, status, text, what) {
  const el = document.getElementById(id);
  if (!el) return;
  const box = el.querySelector(".sentence-error");
  box.textContent = describe(status, text, what);
  if (status === 401) {
    const link = document.createElement("a");
    link.href = loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Log in again (new tab)";
    box.append(" ", link, ", then try again.");
  }
  box.hidden = false;
  el.classList.add("has-error");
  if (id === state.currentId) {
    revertLabel(el);
    setStatus("Not saved", true);
  }
}

export function clearError(el) {
  const box = el.querySelector(".sentence-error");
  box.hidden = true;
  box.textContent = "";
  el.classList.remove("has-error");
}
