/*
 * The annotation workspace, as progressive enhancement: without these modules every
 * form of the article page is a plain POST that redirects back, and each sentence has a
 * "tag" link that selects it.
 *
 * With them: click a sentence (or move with j/k), tag with 1-4, clear with 0, select
 * words to narrow the tag to a span (snapped to whole words, kept inside the sentence;
 * Shift+arrows narrow and widen it by a word), undo the last changes (u, Ctrl+Z, the
 * Undo button). The modules, each for one part of that:
 *
 *   state.js        the workspace's elements and what is selected
 *   words.js        words and offsets (no page in sight)
 *   panel.js        fills the server's tag panel for the selected sentence or span
 *   saving.js       one save at a time, in order; failures; what Undo can take back
 *   commands.js     select, tag, clear, undo, move
 *   selection.js    a text selection (drag, long press) becomes a span
 *   keys.js         the keyboard
 *   suggestions.js  the label suggestions' ghost markers
 *
 * This one wires the panel's own controls and selects the sentence the server chose.
 */

import { nextUntagged, remove, save, select, undo } from "./commands.js";
import { listenForKeys, toggleShortcuts } from "./keys.js";
import { announce, fillPanel, markCurrent } from "./panel.js";
import { clearError, request } from "./saving.js";
import { listenForSelections } from "./selection.js";
import {
  clearForm,
  current,
  inAssignment,
  panel,
  part,
  pkOf,
  sentences,
  state,
  tagForm,
  urlFor,
  workspace,
} from "./state.js";
import { loadSuggestions } from "./suggestions.js";

function wirePanel() {
  tagForm.addEventListener("submit", function (event) {
    event.preventDefault();
    save();
  });
  clearForm.addEventListener("submit", function (event) {
    event.preventDefault();
    remove(event.submitter);
  });
  tagForm.addEventListener("change", function (event) {
    if (event.target.name !== "label") return;
    save();
    const el = current();
    if (el) el.focus({ preventScroll: true });
  });
  tagForm.addEventListener("input", function (event) {
    if (event.target.name !== "label") state.dirty = true;
  });
  tagForm.elements.note.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      save();
    }
  });
  panel.querySelector('[data-action="whole"]').addEventListener("click", function () {
    const el = current();
    if (!el) return;
    window.getSelection().removeAllRanges();
    select(el);
    announce(el);
  });
  panel.querySelector('[data-action="undo"]').addEventListener("click", undo);
  const allLink = part("all-link");
  if (allLink) {
    allLink.addEventListener("click", function (event) {
      const el = current();
      if (!el) return;
      event.preventDefault();
      clearError(el);
      request(el, urlFor(panel.dataset.sentenceUrl, pkOf(el)) + "?" + inAssignment + "tags=all", "GET");
    });
  }
  panel.querySelector('[data-action="shortcuts"]').addEventListener("click", function (event) {
    if (!document.getElementById("shortcuts")) return;
    event.preventDefault();
    toggleShortcuts();
  });
  panel.addEventListener("click", function (event) {
    // The label bar's Next button (labelbar.js, small screens) does what `n` does.
    if (event.target.closest('[data-action="next"]')) nextUntagged();
    // An excerpt in the list of spans selects its span.
    const excerpt = event.target.closest('[data-action="select-span"]');
    const el = current();
    if (excerpt && el) {
      select(el, { span: { start: Number(excerpt.dataset.start), end: Number(excerpt.dataset.end) } });
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (state.pending > 0 || state.dirty) event.preventDefault();
  });
}

if (workspace && panel) {
  listenForSelections();
  wirePanel();
  listenForKeys();
  loadSuggestions();

  // Start: the sentence the server selected.
  const initial = current() || sentences()[0];
  if (initial) {
    state.currentId = initial.id;
    markCurrent(initial);
    fillPanel(initial);
  }
}
