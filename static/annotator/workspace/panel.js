/*
 * The tag panel, as the server drew it, filled in for the selected sentence (or span)
 * from the sentence's own markers: its number and section, the label saved for the
 * claim, outlet, cited source and note, Clear, and the list of the viewer's spans (each
 * item a copy of the server's <template id="span-item">). No markup is made here.
 */

import { toUnits, wordsOf } from "./words.js";
import {
  excerpt,
  inAssignment,
  myTags,
  panel,
  part,
  pkOf,
  sectionForm,
  setStatus,
  state,
  tagFor,
  tagForm,
  urlFor,
  wholeOf,
} from "./state.js";

const sectionNames = {};
(panel ? panel.dataset.sectionNames || "" : "").split(";").forEach(function (pair) {
  const parts = pair.split("=");
  if (parts.length === 2) sectionNames[parts[0]] = parts[1];
});

/* Mark a sentence as the selected one (a sentence that a save has just replaced, too). */
export function markCurrent(el) {
  el.classList.add("is-current");
  el.tabIndex = 0;
  el.setAttribute("aria-current", "true");
}

export function fillPanel(el) {
  const pk = pkOf(el);
  const span = state.span;
  const tag = tagFor(el, span || wholeOf(el));

  part("position").textContent = el.dataset.position;
  part("section").textContent = sectionNames[el.dataset.section] || "";
  part("claim").textContent = span ? "Span: “" + excerpt(el, span) + "”" : "Whole sentence";
  panel.querySelector('[data-action="whole"]').hidden = !span;

  tagForm.setAttribute("action", urlFor(panel.dataset.tagUrl, pk));
  tagForm.elements.start.value = span ? span.start : "";
  tagForm.elements.end.value = span ? span.end : "";
  revertLabel(el);
  tagForm.elements.outlet.value = tag ? tag.outlet : panel.dataset.defaultOutlet || "";
  tagForm.elements.cited_source.value = tag ? tag.cited : "";
  tagForm.elements.note.value = tag ? tag.note : "";

  const clear = part("clear");
  if (tag) {
    clear.setAttribute("formaction", urlFor(panel.dataset.deleteUrl, tag.id));
    clear.disabled = false;
  } else {
    clear.removeAttribute("formaction");
    clear.disabled = true;
  }
  fillSpans(el);

  const allLink = part("all-link");
  if (allLink) {
    allLink.href = "?tags=all&" + inAssignment + "s=" + pk + "#" + el.id;
    allLink.parentElement.hidden = el.hasAttribute("data-all");
  }
  if (sectionForm) {
    sectionForm.setAttribute("action", urlFor(panel.dataset.sectionUrl, pk));
    sectionForm.elements.section.value = el.dataset.section;
  }
  setStatus("");
}

/* The label buttons show what is saved for the claim, nothing else. */
export function revertLabel(el) {
  const tag = tagFor(el, state.span || wholeOf(el));
  Array.from(tagForm.elements.label).forEach(function (radio) {
    radio.checked = !!tag && radio.value === tag.label;
  });
}

/* The viewer's spans in the sentence: the server's item, once for each. Its excerpt is
   a button that selects the span (data-action="select-span", main.js). */
function fillSpans(el) {
  const box = part("spans");
  const list = box.querySelector("ul");
  const item = document.getElementById("span-item").content.firstElementChild;
  list.textContent = "";
  const whole = wholeOf(el);
  myTags(el)
    .filter(function (t) {
      return t.start !== whole.start || t.end !== whole.end;
    })
    .forEach(function (t) {
      const li = item.cloneNode(true);
      const marker = li.querySelector(".marker");
      marker.className = t.marker.className;
      marker.querySelector("b").textContent = t.marker.querySelector("b").textContent;
      marker.querySelector(".vh").textContent = t.marker.querySelector(".vh").textContent;
      const words = li.querySelector('[data-action="select-span"]');
      words.textContent = "“" + excerpt(el, t) + "”";
      words.dataset.start = t.start;
      words.dataset.end = t.end;
      const remove = li.querySelector('[type="submit"]');
      remove.setAttribute("formaction", urlFor(panel.dataset.deleteUrl, t.id));
      remove.setAttribute("aria-label", "Delete the tag on " + words.textContent);
      list.append(li);
    });
  box.hidden = !list.children.length;
}

/* Say the claim in words, for screen readers (a polite live region). */
export function announce(el) {
  const box = part("announce");
  if (!box) return;
  const span = state.span;
  if (!span) {
    box.textContent = "Whole sentence " + el.dataset.position + ".";
    return;
  }
  const text = el.querySelector(".text").textContent;
  const base = Number(el.dataset.start);
  const a = toUnits(text, span.start - base);
  const b = toUnits(text, span.end - base);
  const words = wordsOf(text);
  const first = words.findIndex(function (w) {
    return w[0] >= a;
  });
  let last = -1;
  words.forEach(function (w, i) {
    if (w[1] <= b) last = i;
  });
  box.textContent =
    "Span: “" + text.slice(a, b) + "”, words " + (first + 1) + " to " + (last + 1) + " of " + words.length + ".";
}
