/*
 * Turning a text selection into a span: a drag, a long press on a phone or Shift+arrows
 * picks words of one sentence, snapped to whole words, and the page's selection then
 * shows exactly the words that will be tagged. A click selects the whole sentence.
 */

import { select } from "./commands.js";
import { announce } from "./panel.js";
import { current, sentences, state, workspace } from "./state.js";
import { snap, toPoints, toUnits, wordsOf } from "./words.js";

const CONTROLS = "a, button, input, label, select, textarea, summary";

function offsetIn(textEl, node, offset) {
  const whole = document.createRange();
  whole.selectNodeContents(textEl);
  const point = document.createRange();
  point.setStart(node, offset);
  if (whole.compareBoundaryPoints(Range.START_TO_START, point) >= 0) return 0;
  if (whole.compareBoundaryPoints(Range.END_TO_END, point) <= 0) return textEl.textContent.length;
  const before = document.createRange();
  before.selectNodeContents(textEl);
  before.setEnd(node, offset);
  return before.toString().length;
}

function sentenceOf(node) {
  const el = node && (node.nodeType === 1 ? node : node.parentElement);
  return el ? el.closest(".sentence[data-taggable]") : null;
}

/* The selected words as {el, span} (span null: the whole sentence), or null. A
 * selection is kept to one sentence, the one holding most of its letters: a drag that
 * starts a little before a sentence, or runs on into the next one, still means the
 * words of that sentence. */
function selectedSpan() {
  const selection = window.getSelection();
  if (!selection || !selection.rangeCount || selection.isCollapsed) return null;
  return spanIn(selection.getRangeAt(0), selection.focusNode);
}

function spanIn(range, focusNode) {
  if (!workspace.contains(range.commonAncestorContainer)) return null;
  const focused = sentenceOf(focusNode);
  let best = null;
  let most = 0;
  sentences().forEach(function (el) {
    const textEl = el.querySelector(".text");
    if (!range.intersectsNode(textEl)) return;
    const text = textEl.textContent;
    const a = offsetIn(textEl, range.startContainer, range.startOffset);
    const b = offsetIn(textEl, range.endContainer, range.endOffset);
    const letters = text.slice(a, b).replace(/\s/g, "").length;
    if (letters > most || (letters && letters === most && el === focused)) {
      best = { el: el, text: text, a: a, b: b };
      most = letters;
    }
  });
  if (!best) return null;
  const ends = snap(best.text, best.a, best.b);
  if (ends[0] >= ends[1]) return null;
  return { el: best.el, span: spanOf(best.el, best.text, ends[0], ends[1]) };
}

/* The claim for [a, b) of a sentence's text: null when that is all of it. */
function spanOf(el, text, a, b) {
  if (a <= 0 && b >= text.length) return null;
  const base = Number(el.dataset.start);
  return { start: base + toPoints(text, a), end: base + toPoints(text, b) };
}

/* Show a span as the page's selection, so that what will be tagged is what is seen. */
function showSpan(el, claim) {
  const selection = window.getSelection();
  if (!claim) {
    if (selection.rangeCount && el.contains(selection.getRangeAt(0).commonAncestorContainer)) {
      selection.removeAllRanges();
    }
    return;
  }
  const textEl = el.querySelector(".text");
  const text = textEl.textContent;
  const base = Number(el.dataset.start);
  const from = toUnits(text, claim.start - base);
  const to = toUnits(text, claim.end - base);
  const walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let at = 0;
  let node;
  let started = false;
  while ((node = walker.nextNode())) {
    const len = node.data.length;
    if (!started && from <= at + len) {
      range.setStart(node, from - at);
      started = true;
    }
    if (started && to <= at + len) {
      range.setEnd(node, to - at);
      break;
    }
    at += len;
  }
  selection.removeAllRanges();
  selection.addRange(range);
}

/* Shift+arrows: narrow the claim by a word at one end (step +1 at the start, -1 at the
   end), or widen it again (the other way), never past the sentence. */
export function narrow(edge, step) {
  const el = current();
  if (!el) return;
  const text = el.querySelector(".text").textContent;
  const words = wordsOf(text);
  if (!words.length) return;
  const base = Number(el.dataset.start);
  const span = state.span;
  const a = span ? toUnits(text, span.start - base) : 0;
  const b = span ? toUnits(text, span.end - base) : text.length;
  let first = words.findIndex(function (w) {
    return w[1] > a;
  });
  let last = words.length - 1;
  while (last > 0 && words[last][0] >= b) last--;
  if (first < 0) first = 0;
  if (edge === "start") first = Math.min(last, Math.max(0, first + step));
  else last = Math.max(first, Math.min(words.length - 1, last + step));
  const whole = first === 0 && last === words.length - 1;
  const claim = whole ? null : spanOf(el, text, words[first][0], words[last][1]);
  select(el, { span: claim, scroll: false });
  showSpan(el, claim);
  announce(el);
}

function caretAt(x, y) {
  if (document.caretRangeFromPoint) {
    const r = document.caretRangeFromPoint(x, y);
    return r ? { node: r.startContainer, offset: r.startOffset } : null;
  }
  if (document.caretPositionFromPoint) {
    const p = document.caretPositionFromPoint(x, y);
    return p ? { node: p.offsetNode, offset: p.offset } : null;
  }
  return null;
}

/* The words a drag from `from` to `to` (screen points) went over, as {el, span}. */
function draggedSpan(from, to) {
  const a = caretAt(from.x, from.y);
  const b = caretAt(to.x, to.y);
  if (!a || !b) return null;
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(a.node, a.offset);
  const end = document.createRange();
  end.setStart(b.node, b.offset);
  if (range.compareBoundaryPoints(Range.START_TO_START, end) <= 0) range.setEnd(b.node, b.offset);
  else range.setStart(b.node, b.offset);
  if (range.collapsed) return null;
  return spanIn(range, b.node);
}

function isSpan(span) {
  return state.span && span.start === state.span.start && span.end === state.span.end;
}

export function listenForSelections() {
  document.addEventListener("selectionchange", function () {
    const picked = selectedSpan();
    if (!picked || !picked.span) return;
    if (picked.el.id !== state.currentId || !isSpan(picked.span)) {
      select(picked.el, { span: picked.span, focus: false, scroll: false });
    }
  });

  /* Where the mouse went down, for a drag the browser made no selection of: one that
     starts exactly at a sentence's first letter, between two sentences, selects
     nothing in Chromium. */
  let downAt = null;
  workspace.addEventListener("mousedown", function (event) {
    const control = event.target.closest(CONTROLS);
    downAt = event.button === 0 && !control ? { x: event.clientX, y: event.clientY } : null;
  });

  // Once a drag ends, the selection shows the whole words it will tag.
  workspace.addEventListener("mouseup", function (event) {
    let picked = selectedSpan();
    const from = downAt;
    downAt = null;
    if (!picked && from && Math.abs(event.clientX - from.x) + Math.abs(event.clientY - from.y) > 4) {
      picked = draggedSpan(from, { x: event.clientX, y: event.clientY });
    }
    if (picked && picked.span) {
      showSpan(picked.el, picked.span);
      if (picked.el.id !== state.currentId || !isSpan(picked.span)) {
        select(picked.el, { span: picked.span, focus: false, scroll: false });
      }
      announce(picked.el);
    }
  });

  workspace.addEventListener("click", function (event) {
    const pick = event.target.closest("a.pick");
    if (!pick && event.target.closest(CONTROLS)) return;
    const el = event.target.closest(".sentence[data-taggable]");
    if (!el) return;
    event.preventDefault();
    const picked = selectedSpan();
    if (picked && picked.el === el) {
      select(el, { span: picked.span, focus: false, scroll: false });
    } else {
      select(el, { scroll: false });
    }
  });
}
