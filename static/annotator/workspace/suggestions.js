/*
 * Label suggestions: a ghost marker on each sentence that has one, its cue words
 * highlighted while it is pointed at or the sentence selected, key a accepts it and
 * Shift+U goes to the untagged sentence whose suggestion is least certain.
 *
 * Fetched from the API after the page is drawn (the page's own queries stay as they
 * are); the API decides who sees them, and a refusal simply shows none.
 */

import { save, select } from "./commands.js";
import { NAMES, current, pkOf, sentences, setStatus, tagForm, workspace } from "./state.js";

const suggestions = {};
const LETTER = { sourced: "S", unsourced: "U", opinion: "O", speculation: "P" };

function cueRanges(el, suggestion) {
  const textEl = el.querySelector(".text");
  const base = Number(el.dataset.start);
  const ranges = [];
  suggestion.cues.forEach(function (cue) {
    const walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
    let at = base;
    let range = null;
    let node;
    while ((node = walker.nextNode())) {
      const len = node.data.length;
      if (!range && cue.start >= at && cue.start < at + len) {
        range = document.createRange();
        range.setStart(node, cue.start - at);
      }
      if (range && cue.end <= at + len) {
        range.setEnd(node, cue.end - at);
        ranges.push(range);
        break;
      }
      at += len;
    }
  });
  return ranges;
}

function showCues(el) {
  if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
  const suggestion = el && suggestions[pkOf(el)];
  if (!suggestion) {
    CSS.highlights.delete("suggestion-cue");
    return;
  }
  CSS.highlights.set("suggestion-cue", new Highlight(...cueRanges(el, suggestion)));
}

function drawGhost(el) {
  const suggestion = suggestions[pkOf(el)];
  if (!suggestion || el.querySelector(".ghost")) return;
  const ghost = document.createElement("span");
  const percent = Math.round(suggestion.confidence * 100);
  const words =
    "Suggested: " + NAMES[suggestion.label] + " (" + percent + "%, " + suggestion.layer + "). " +
    suggestion.explanation + " Press a to accept.";
  ghost.className = "ghost t-" + suggestion.label;
  ghost.tabIndex = 0;
  ghost.title = words;
  ghost.dataset.ghost = suggestion.label;
  ghost.setAttribute("role", "note");
  ghost.innerHTML = '<b aria-hidden="true"></b><span class="vh"></span>';
  ghost.querySelector("b").textContent = LETTER[suggestion.label] + "?";
  ghost.querySelector(".vh").textContent = words;
  ghost.addEventListener("mouseenter", function () {
    showCues(el);
  });
  ghost.addEventListener("focus", function () {
    showCues(el);
  });
  ghost.addEventListener("mouseleave", function () {
    showCues(current());
  });
  const text = el.querySelector(".text");
  text.parentNode.insertBefore(ghost, text.nextSibling);
}

/* Tag the selected sentence as its suggestion says, recording the model's version. */
export function acceptSuggestion() {
  const el = current();
  const suggestion = el && suggestions[pkOf(el)];
  if (!suggestion) {
    setStatus("No suggestion for this sentence.", true);
    return;
  }
  const radio = Array.from(tagForm.elements.label).find(function (r) {
    return r.value === suggestion.label;
  });
  radio.checked = true;
  if (tagForm.elements.cited_source) {
    tagForm.elements.cited_source.value = suggestion.cited_source ? suggestion.cited_source.text : "";
  }
  const version = tagForm.elements.suggestion_version;
  version.value = suggestion.model_version;
  save();
  version.value = "";
}

/* The untagged sentence whose suggestion is least certain: where a person's judgement
   is worth most. */
export function leastCertain() {
  const open = sentences().filter(function (el) {
    return suggestions[pkOf(el)] && !el.classList.contains("is-tagged") && el !== current();
  });
  if (!open.length) {
    setStatus("No untagged sentence with a suggestion left.");
    return;
  }
  open.sort(function (a, b) {
    return suggestions[pkOf(a)].confidence - suggestions[pkOf(b)].confidence;
  });
  select(open[0]);
}

export function loadSuggestions() {
  workspace.addEventListener("focusin", function (event) {
    const el = event.target.closest && event.target.closest(".sentence");
    if (el) showCues(el);
  });
  // A save answers with a new fragment for its sentence: give it its ghost again.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.matches(".sentence")) drawGhost(node);
      });
    });
  }).observe(workspace, { childList: true, subtree: true });

  if (!workspace.dataset.suggestions) return;
  fetch(workspace.dataset.suggestions, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (body) {
      if (!body) return;
      body.results.forEach(function (suggestion) {
        suggestions[String(suggestion.sentence)] = suggestion;
      });
      sentences().forEach(drawGhost);
      workspace.dataset.suggestionsLoaded = String(body.results.length);
      showCues(current());
    })
    .catch(function () {});
}
