/*
 * The workspace's elements and what is selected, shared by its modules. On a page
 * without a workspace the elements are null, and main.js starts nothing.
 */

export const workspace = document.querySelector("[data-workspace]");
export const panel = document.getElementById("panel");
export const tagForm = document.getElementById("tag-form");
export const clearForm = document.getElementById("clear-form");
export const sectionForm = document.getElementById("section-form");

export const LABELS = ["sourced", "unsourced", "opinion", "speculation"];
export const NAMES = { sourced: "Sourced", unsourced: "Unsourced", opinion: "Opinion", speculation: "Speculation" };

/* What is selected, and what is in flight: one object, changed in place by the modules. */
export const state = {
  currentId: workspace ? workspace.dataset.current || null : null,
  span: null, // {start, end} in article offsets, or null for the whole sentence
  dirty: false, // outlet, cited source or note typed and not saved yet
  pending: 0, // saves sent and not answered yet
};

// Inside an assignment: its units are data-unit ("open" or "answered"), and every
// request names it, so that its count and Hand in come back with each answer.
export const inAssignment =
  workspace && workspace.dataset.assignment ? "assignment=" + workspace.dataset.assignment + "&" : "";

export function part(name) {
  return panel.querySelector('[data-panel="' + name + '"]');
}

/* A URL of the panel's data-*-url patterns (drawn for the pk 0) for another pk. */
export function urlFor(pattern, pk) {
  return pattern.replace("/0/", "/" + pk + "/");
}

export function sentences() {
  return Array.from(workspace.querySelectorAll(".sentence[data-taggable]"));
}

export function current() {
  return state.currentId ? document.getElementById(state.currentId) : null;
}

export function pkOf(el) {
  return el.id.slice(1);
}

/* The whole sentence as a claim, in article offsets. */
export function wholeOf(el) {
  return { start: Number(el.dataset.start), end: Number(el.dataset.end) };
}

export function setStatus(text, isError) {
  const status = part("status");
  status.textContent = text;
  status.classList.toggle("is-error", !!isError);
}

/* The viewer's own tags on a sentence, as its markers carry them (data-tag: the tag's
   id, with data-label, -outlet, -cited and -note; a span's also -start and -end, where
   a whole sentence's are the sentence's own). */
export function myTags(el) {
  return Array.from(el.querySelectorAll(".marker.mine[data-tag]")).map(function (m) {
    const d = m.dataset;
    return {
      id: Number(d.tag),
      label: d.label,
      start: Number(d.start || el.dataset.start),
      end: Number(d.end || el.dataset.end),
      outlet: d.outlet,
      cited: d.cited || "",
      note: d.note || "",
      seq: Number(d.seq || 0),
      marker: m,
    };
  });
}

export function tagFor(el, claim) {
  return myTags(el).find(function (t) {
    return t.start === claim.start && t.end === claim.end;
  });
}

/* The words of a claim, cut short past 70 characters. */
export function excerpt(el, claim) {
  const chars = Array.from(el.querySelector(".text").textContent);
  const base = Number(el.dataset.start);
  const words = chars.slice(claim.start - base, claim.end - base).join("");
  return words.length > 70 ? words.slice(0, 69) + "…" : words;
}
