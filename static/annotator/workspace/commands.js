/*
 * What a reviewer does in the workspace, whether by key, click or the label bar: select
 * a sentence (or a span of it), tag it, clear a tag, undo, move to another sentence.
 */

import { fillPanel, markCurrent } from "./panel.js";
import { clearError, request, undoable } from "./saving.js";
import {
  clearForm,
  current,
  inAssignment,
  myTags,
  panel,
  pkOf,
  sentences,
  setStatus,
  state,
  tagForm,
  urlFor,
  wholeOf,
} from "./state.js";

/* Select a sentence, or with `options.span` a span of it; `options.focus` and
   `options.scroll` (both on unless false) move the focus to it and bring it into view. */
export function select(el, options) {
  options = options || {};
  const previous = current();
  if (state.dirty && previous && previous !== el && new FormData(tagForm).get("label")) {
    save(); // what was typed for the previous sentence is saved, not lost
  }
  state.dirty = false;
  if (previous && previous !== el) {
    previous.classList.remove("is-current");
    previous.tabIndex = -1;
    previous.removeAttribute("aria-current");
  }
  state.currentId = el.id;
  state.span = options.span || null;
  markCurrent(el);
  if (options.focus !== false) el.focus({ preventScroll: true });
  if (options.scroll !== false) el.scrollIntoView({ block: "nearest" });
  fillPanel(el);
  const url = new URL(window.location.href);
  url.searchParams.set("s", pkOf(el));
  url.hash = el.id;
  window.history.replaceState(window.history.state, "", url);
}

/* Save the panel's values for the selected claim. */
export function save() {
  const el = current();
  if (!el) return;
  const data = new FormData(tagForm);
  if (!data.get("label")) {
    setStatus("Choose a label first (keys 1–4).", true);
    return;
  }
  if (el.hasAttribute("data-all")) data.set("tags", "all");
  state.dirty = false;
  clearError(el);
  const claim = state.span || wholeOf(el);
  request(el, tagForm.getAttribute("action"), "POST", data, { start: claim.start, end: claim.end });
}

/* Delete the tag that a Clear or Delete button (its formaction) stands for. */
export function remove(button) {
  const el = current();
  if (!el || !button || button.disabled || !button.getAttribute("formaction")) return;
  const data = new FormData(clearForm);
  if (el.hasAttribute("data-all")) data.set("tags", "all");
  clearError(el);
  const url = button.getAttribute("formaction");
  const tag = myTags(el).find(function (t) {
    return urlFor(panel.dataset.deleteUrl, t.id) === url;
  });
  request(el, url, "POST", data, tag ? { start: tag.start, end: tag.end } : null);
}

export function tagWith(label) {
  const el = current();
  if (!el) return;
  const radio = Array.from(tagForm.elements.label).find(function (r) {
    return r.value === label;
  });
  radio.checked = true;
  save();
}

/* Take back the last change: the server refuses it, with the reason, if the tag has
   changed since. */
export function undo() {
  const last = undoable.pop();
  if (!last) {
    setStatus("Nothing to undo.");
    return;
  }
  const el = document.getElementById(last.id);
  if (!el) return;
  if (el.id !== state.currentId) select(el, { scroll: false });
  el.scrollIntoView({ block: "nearest" });
  const data = new FormData(clearForm);
  data.set("start", last.start);
  data.set("end", last.end);
  data.set("seq", last.seq);
  if (el.hasAttribute("data-all")) data.set("tags", "all");
  clearError(el);
  request(el, urlFor(panel.dataset.undoUrl, pkOf(el)), "POST", data, {
    start: last.start,
    end: last.end,
    undo: true,
  });
}

export function move(step) {
  const list = sentences();
  if (!list.length) return;
  const index = list.indexOf(current());
  const next = index < 0 ? list[0] : list[Math.min(list.length - 1, Math.max(0, index + step))];
  window.getSelection().removeAllRanges();
  select(next);
}

/* The next sentence still to do: not tagged; inside an assignment, a unit not yet
   answered (the others do not count, and are skipped). */
export function nextUntagged() {
  const list = sentences();
  const index = list.indexOf(current());
  const open = inAssignment
    ? function (el) {
        return el.dataset.unit === "open";
      }
    : function (el) {
        return !el.classList.contains("is-tagged");
      };
  for (let i = 1; i <= list.length; i++) {
    const el = list[(index + i) % list.length];
    if (open(el)) {
      window.getSelection().removeAllRanges();
      select(el, { scroll: false });
      el.scrollIntoView({ block: "center" });
      return;
    }
  }
  setStatus(inAssignment ? "You have answered every sentence of the assignment here." : "You have tagged every sentence.");
}
