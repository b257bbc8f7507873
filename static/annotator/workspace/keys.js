/*
 * The workspace's keys (the `?` dialog, templates/annotator/_shortcuts.html, lists
 * them): j/k or the arrows move, 1-4 tag, 0 clears, n goes to the next untagged
 * sentence, u or Ctrl+Z undoes, Shift+arrows narrow or widen a span, Esc goes back to
 * the whole sentence, a accepts a suggestion, g opens the guidelines.
 */

import { move, nextUntagged, remove, select, tagWith, undo } from "./commands.js";
import { announce } from "./panel.js";
import { narrow } from "./selection.js";
import { LABELS, current, part, state } from "./state.js";
import { acceptSuggestion, leastCertain } from "./suggestions.js";

const TYPING = "textarea, select, [contenteditable], input:not([type=radio]):not([type=checkbox])";
// Shift+arrow: which end of the span moves, and which way.
const NARROW = { ArrowRight: ["start", 1], ArrowUp: ["start", -1], ArrowLeft: ["end", -1], ArrowDown: ["end", 1] };

const shortcuts = document.getElementById("shortcuts");
const guidelines = document.getElementById("guidelines");

export function toggleShortcuts() {
  if (!shortcuts) return;
  if (shortcuts.open) shortcuts.close();
  else shortcuts.showModal();
}

function isUndo(event) {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "z";
}

export function listenForKeys() {
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    const target = event.target;
    const typing = target.closest && target.closest(TYPING);
    // Ctrl+Z (Cmd+Z) undoes the last tag change; in a text field it stays the field's own.
    if (isUndo(event) && !typing) {
      if (shortcuts && shortcuts.open) return;
      event.preventDefault();
      undo();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing) {
      if (event.key === "Escape" && current()) {
        event.preventDefault();
        current().focus();
      }
      return;
    }
    if (shortcuts && shortcuts.open && event.key !== "?") return;
    if (event.shiftKey && event.key.indexOf("Arrow") === 0) {
      const how = NARROW[event.key];
      event.preventDefault();
      narrow(how[0], how[1]);
      return;
    }
    switch (event.key) {
      case "j":
      case "ArrowDown":
      case "ArrowRight":
        move(1);
        break;
      case "k":
      case "ArrowUp":
      case "ArrowLeft":
        move(-1);
        break;
      case "1":
      case "2":
      case "3":
      case "4":
        tagWith(LABELS[Number(event.key) - 1]);
        break;
      case "0":
      case "Backspace":
      case "Delete":
        remove(part("clear"));
        break;
      case "n":
        nextUntagged();
        break;
      case "a":
        acceptSuggestion();
        break;
      case "u":
        undo();
        break;
      case "U":
        leastCertain();
        break;
      case "?":
        toggleShortcuts();
        break;
      case "g":
        if (guidelines) {
          guidelines.open = !guidelines.open;
          if (guidelines.open) guidelines.scrollIntoView({ block: "nearest" });
        }
        break;
      case "Escape":
        if (state.span && current()) {
          window.getSelection().removeAllRanges();
          select(current());
          announce(current());
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}
