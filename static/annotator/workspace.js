/*
 * The annotation workspace, as progressive enhancement: without this script every form
 * of the article page is a plain POST that redirects back, and each sentence has a
 * "tag" link that selects it.
 *
 * With it: click a sentence (or move with j/k), tag with 1-4, clear with 0, select
 * words to narrow the tag to a span (snapped to whole words, kept inside the sentence;
 * Shift+arrows narrow and widen it by a word), undo the last changes (u, Ctrl+Z, the
 * Undo button). Each save is one request answered with the sentence's fragment and the
 * progress bar out of band, swapped in by htmx.swap().
 *
 * Why fetch and not hx-post on the panel's form: the panel is one form that serves
 * whichever sentence is selected, and htmx's per-element request queue re-reads the
 * form when a queued request finally goes, or drops it ("queue last"). Here each save
 * captures its sentence and values when the key is pressed, and saves go one after the
 * other, in order, none dropped. A save is shown only once the server has answered it:
 * on a failure (refused, server error, lost session, no network) the sentence shows
 * the error and keeps its saved markers.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  const body = document.body;
  const loginUrl = body.dataset.loginUrl || "/accounts/login/";

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (err) {
      return "";
    }
  }

  /* What went wrong, in words, for a status code (0: no answer at all). */
  function describe(status, text, what) {
    what = what || "Not saved";
    const reason = (text || "").trim();
    const plain = reason && reason.length < 300 && reason.indexOf("<") === -1;
    if (status === 0) return what + ": the server could not be reached. Check the connection and try again.";
    if (status === "timeout") return what + ": the server did not answer in time. Try again.";
    if (status === "unexpected") return what + ": the server's answer was not this sentence. Reload the page to see what was saved.";
    if (status === 401) return what + ": your session has ended.";
    if (status === 403) return what + ": " + (plain ? reason : "you are not allowed to do this.");
    if (status === 404) return what + ": this sentence or tag no longer exists. Reload the page.";
    if (status === 400 && plain) return what + ": " + reason;
    if (status >= 500) return what + ": the server failed (error " + status + "). Try again in a moment.";
    return what + ": the request failed (error " + status + ").";
  }

  /* htmx requests elsewhere (filtering the article list) report failures at the top. */
  const pageError = document.getElementById("request-error");
  function showPageError(message) {
    if (!pageError) return;
    pageError.textContent = message;
    pageError.hidden = false;
  }
  document.addEventListener("htmx:beforeRequest", function () {
    if (pageError) pageError.hidden = true;
  });
  document.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    showPageError(describe(xhr.status, xhr.responseText, "Could not load"));
  });
  document.addEventListener("htmx:sendError", function () {
    showPageError(describe(0, "", "Could not load"));
  });
  document.addEventListener("htmx:timeout", function () {
    showPageError(describe("timeout", "", "Could not load"));
  });

  const workspace = document.querySelector("[data-workspace]");
  const panel = document.getElementById("panel");
  if (!workspace || !panel) return;

  const tagForm = document.getElementById("tag-form");
  const clearForm = document.getElementById("clear-form");
  const sectionForm = document.getElementById("section-form");
  const shortcuts = document.getElementById("shortcuts");
  const guidelines = document.getElementById("guidelines");
  const part = function (name) {
    return panel.querySelector('[data-panel="' + name + '"]');
  };
  const urlFor = function (pattern, pk) {
    return pattern.replace("/0/", "/" + pk + "/");
  };
  const LABELS = ["sourced", "unsourced", "opinion", "speculation"];
  const sectionNames = {};
  (panel.dataset.sectionNames || "").split(";").forEach(function (pair) {
    const parts = pair.split("=");
    if (parts.length === 2) sectionNames[parts[0]] = parts[1];
  });

  // Inside an assignment: its units are data-unit ("open" or "answered"), and every
  // request names it, so that its count and Hand in come back with each answer.
  const inAssignment = workspace.dataset.assignment ? "assignment=" + workspace.dataset.assignment + "&" : "";
  let currentId = workspace.dataset.current || null;
  let span = null; // {start, end} in article offsets, or null for the whole sentence
  let dirty = false; // outlet, cited source or note typed and not saved yet
  let pending = 0;
  let queue = Promise.resolve();

  const sentences = function () {
    return Array.from(workspace.querySelectorAll(".sentence[data-taggable]"));
  };
  const current = function () {
    return currentId ? document.getElementById(currentId) : null;
  };
  const pkOf = function (el) {
    return el.id.slice(1);
  };

  function setStatus(text, isError) {
    const status = part("status");
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  /* ---- Selecting a sentence, and filling the panel from its own markers ---------- */

  function select(el, options) {
    options = options || {};
    const previous = current();
    if (dirty && previous && previous !== el && new FormData(tagForm).get("label")) {
      save(); // what was typed for the previous sentence is saved, not lost
    }
    dirty = false;
    if (previous && previous !== el) {
      previous.classList.remove("is-current");
      previous.tabIndex = -1;
      previous.removeAttribute("aria-current");
    }
    currentId = el.id;
    span = options.span || null;
    el.classList.add("is-current");
    el.tabIndex = 0;
    el.setAttribute("aria-current", "true");
    if (options.focus !== false) el.focus({ preventScroll: true });
    if (options.scroll !== false) el.scrollIntoView({ block: "nearest" });
    fillPanel(el);
    const url = new URL(window.location.href);
    url.searchParams.set("s", pkOf(el));
    url.hash = el.id;
    window.history.replaceState(window.history.state, "", url);
  }

  /* The viewer's own tags on a sentence, as its markers carry them (data-tag: the tag's
     id, with data-label, -outlet, -cited and -note; a span's also -start and -end, where
     a whole sentence's are the sentence's own). */
  function myTags(el) {
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

  function tagFor(el, claim) {
    return myTags(el).find(function (t) {
      return t.start === claim.start && t.end === claim.end;
    });
  }

  function fillPanel(el) {
    const pk = pkOf(el);
    const start = Number(el.dataset.start);
    const end = Number(el.dataset.end);
    const tag = tagFor(el, span || { start: start, end: end });

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
  function revertLabel(el) {
    const tag = tagFor(el, span || { start: Number(el.dataset.start), end: Number(el.dataset.end) });
    Array.from(tagForm.elements.label).forEach(function (radio) {
      radio.checked = !!tag && radio.value === tag.label;
    });
  }

  function excerpt(el, claim) {
    const chars = Array.from(el.querySelector(".text").textContent);
    const base = Number(el.dataset.start);
    const words = chars.slice(claim.start - base, claim.end - base).join("");
    return words.length > 70 ? words.slice(0, 69) + "…" : words;
  }

  function fillSpans(el) {
    const box = part("spans");
    const list = box.querySelector("ul");
    list.textContent = "";
    const whole = { start: Number(el.dataset.start), end: Number(el.dataset.end) };
    myTags(el)
      .filter(function (t) {
        return t.start !== whole.start || t.end !== whole.end;
      })
      .forEach(function (t) {
        const claim = { start: t.start, end: t.end };
        const item = document.createElement("li");
        const marker = t.marker.cloneNode(true);
        marker.removeAttribute("title");
        marker.removeAttribute("data-tag");
        const words = document.createElement("button");
        words.type = "button";
        words.className = "quiet excerpt";
        words.textContent = "“" + excerpt(el, claim) + "”";
        words.title = "Select this span";
        words.addEventListener("click", function () {
          select(el, { span: claim });
        });
        const remove = document.createElement("button");
        remove.type = "submit";
        remove.className = "quiet";
        remove.setAttribute("form", "clear-form");
        remove.setAttribute("formaction", urlFor(panel.dataset.deleteUrl, t.id));
        remove.textContent = "Delete";
        remove.setAttribute("aria-label", "Delete the tag on " + words.textContent);
        item.append(marker, " ", words, " ", remove);
        list.append(item);
      });
    box.hidden = !list.children.length;
  }

  /* ---- Turning a text selection into a span -------------------------------------- */

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

  /* Words. A span holds whole words: a selection that ends inside one takes all of it.
   * A word is a run of letters, digits and combining marks, with an apostrophe, hyphen,
   * point or comma between two of them ("US-backed", "Syria's", "1,000"). */
  const WORD = /[\p{L}\p{N}\p{M}]/u;
  const JOINER = /['’\-‐.,]/;
  function inWord(text, i) {
    if (i < 0 || i >= text.length) return false;
    if (WORD.test(text[i])) return true;
    return JOINER.test(text[i]) && WORD.test(text[i - 1] || "") && WORD.test(text[i + 1] || "");
  }

  /* [a, b) (UTF-16 units of the sentence's text) trimmed of white space and widened to
     whole words. */
  function snap(text, a, b) {
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    if (a >= b) return [a, a];
    if (inWord(text, a)) while (inWord(text, a - 1)) a--;
    if (inWord(text, b - 1)) while (inWord(text, b)) b++;
    return [a, b];
  }

  /* The sentence's words as [start, end) pairs in UTF-16 units. */
  function wordsOf(text) {
    const words = [];
    let i = 0;
    while (i < text.length) {
      if (!inWord(text, i)) {
        i++;
        continue;
      }
      const start = i;
      while (inWord(text, i)) i++;
      words.push([start, i]);
    }
    return words;
  }

  /* The server counts offsets in code points and the DOM in UTF-16 units: convert. */
  const toPoints = function (text, units) {
    return Array.from(text.slice(0, units)).length;
  };
  const toUnits = function (text, points) {
    return Array.from(text).slice(0, points).join("").length;
  };

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

  /* Say the claim in words, for screen readers (a polite live region). */
  function announce(el) {
    const box = part("announce");
    if (!box) return;
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

  /* Shift+arrows: narrow the claim by a word at one end (step +1 at the start, -1 at the
     end), or widen it again (the other way), never past the sentence. */
  function narrow(edge, step) {
    const el = current();
    if (!el) return;
    const text = el.querySelector(".text").textContent;
    const words = wordsOf(text);
    if (!words.length) return;
    const base = Number(el.dataset.start);
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

  document.addEventListener("selectionchange", function () {
    const picked = selectedSpan();
    if (!picked || !picked.span) return;
    const same = span && picked.span.start === span.start && picked.span.end === span.end;
    if (picked.el.id !== currentId || !same) {
      select(picked.el, { span: picked.span, focus: false, scroll: false });
    }
  });

  /* Where the mouse went down, for a drag the browser made no selection of: one that
     starts exactly at a sentence's first letter, between two sentences, selects
     nothing in Chromium. */
  let downAt = null;
  workspace.addEventListener("mousedown", function (event) {
    const control = event.target.closest("a, button, input, label, select, textarea, summary");
    downAt = event.button === 0 && !control ? { x: event.clientX, y: event.clientY } : null;
  });

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
      if (picked.el.id !== currentId || !span || span.start !== picked.span.start || span.end !== picked.span.end) {
        select(picked.el, { span: picked.span, focus: false, scroll: false });
      }
      announce(picked.el);
    }
  });

  workspace.addEventListener("click", function (event) {
    const pick = event.target.closest("a.pick");
    if (!pick && event.target.closest("a, button, input, label, select, textarea, summary")) return;
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

  /* ---- Saving: one request at a time, in order, each for the sentence it was for -- */

  /* `change`: for a write, the claim it writes ({start, end}), so that once it is
     saved it can be undone; with `undo: true` it is an undo itself. */
  function request(el, url, method, data, change) {
    const id = el.id;
    pending += 1;
    el.classList.add("is-saving");
    el.setAttribute("aria-busy", "true");
    if (id === currentId) setStatus("Saving…");
    queue = queue
      .then(function () {
        return send(id, url, method, data, change);
      })
      .catch(function (err) {
        fail(id, 0, String(err));
      })
      .finally(function () {
        pending -= 1;
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
    if (fresh && id === currentId) {
      fresh.classList.add("is-current");
      fresh.tabIndex = 0;
      fresh.setAttribute("aria-current", "true");
      if (!dirty) fillPanel(fresh);
      setStatus(method === "GET" ? "" : done === "cleared" ? "Cleared" : change && change.undo ? "Undone" : "Saved");
      if (document.activeElement === document.body) fresh.focus({ preventScroll: true });
    }
  }

  /* ---- Undo: the last changes, newest first, each named by its claim and its number in
     the claim's history (data-seq on the reviewer's own markers) --------------------- */

  const undoable = [];
  const NAMES_OF = { sourced: "Sourced", unsourced: "Unsourced", opinion: "Opinion", speculation: "Speculation" };

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
    const where = (change.start === Number(el.dataset.start) && change.end === Number(el.dataset.end) ? "" : "a span of ") + "sentence " + el.dataset.position;
    if (change.undo) {
      showUndo("Undone on " + where + ".");
      return what;
    }
    let words = "Tag cleared on " + where + ".";
    if (what === "tagged") words = where[0].toUpperCase() + where.slice(1) + " tagged " + NAMES_OF[after.label] + ".";
    if (what === "changed") {
      words = "Tag on " + where + " changed" + (after.label !== before.label ? " to " + NAMES_OF[after.label] : "") + ".";
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

  function undo() {
    const last = undoable.pop();
    if (!last) {
      setStatus("Nothing to undo.");
      return;
    }
    const el = document.getElementById(last.id);
    if (!el) return;
    if (el.id !== currentId) select(el, { scroll: false });
    el.scrollIntoView({ block: "nearest" });
    const data = new FormData(clearForm);
    data.set("start", last.start);
    data.set("end", last.end);
    data.set("seq", last.seq);
    if (el.hasAttribute("data-all")) data.set("tags", "all");
    clearError(el);
    request(el, urlFor(panel.dataset.undoUrl, pkOf(el)), "POST", data, { start: last.start, end: last.end, undo: true });
  }

  panel.querySelector('[data-action="undo"]').addEventListener("click", undo);

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
    if (id === currentId) {
      revertLabel(el);
      setStatus("Not saved", true);
    }
  }

  function clearError(el) {
    const box = el.querySelector(".sentence-error");
    box.hidden = true;
    box.textContent = "";
    el.classList.remove("has-error");
  }

  function save() {
    const el = current();
    if (!el) return;
    const data = new FormData(tagForm);
    if (!data.get("label")) {
      setStatus("Choose a label first (keys 1–4).", true);
      return;
    }
    if (el.hasAttribute("data-all")) data.set("tags", "all");
    dirty = false;
    clearError(el);
    const claim = span || { start: Number(el.dataset.start), end: Number(el.dataset.end) };
    request(el, tagForm.getAttribute("action"), "POST", data, { start: claim.start, end: claim.end });
  }

  function remove(button) {
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
    if (event.target.name !== "label") dirty = true;
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
  window.addEventListener("beforeunload", function (event) {
    if (pending > 0 || dirty) event.preventDefault();
  });

  /* ---- Keyboard ------------------------------------------------------------------ */

  function move(step) {
    const list = sentences();
    if (!list.length) return;
    const index = list.indexOf(current());
    const next = index < 0 ? list[0] : list[Math.min(list.length - 1, Math.max(0, index + step))];
    window.getSelection().removeAllRanges();
    select(next);
  }

  /* The next sentence still to do: not tagged; inside an assignment, a unit not yet
     answered (the others do not count, and are skipped). */
  function nextUntagged() {
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

  function tagWith(label) {
    const el = current();
    if (!el) return;
    const radio = Array.from(tagForm.elements.label).find(function (r) {
      return r.value === label;
    });
    radio.checked = true;
    save();
  }

  function toggleShortcuts() {
    if (!shortcuts) return;
    if (shortcuts.open) shortcuts.close();
    else shortcuts.showModal();
  }

  // The label bar's Next button (labelbar.js, small screens) does what `n` does.
  panel.addEventListener("click", function (event) {
    if (event.target.closest('[data-action="next"]')) nextUntagged();
  });

  panel.querySelector('[data-action="shortcuts"]').addEventListener("click", function (event) {
    if (!shortcuts) return;
    event.preventDefault();
    toggleShortcuts();
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    const target = event.target;
    const typing = target.closest && target.closest("textarea, select, [contenteditable], input:not([type=radio]):not([type=checkbox])");
    // Ctrl+Z (Cmd+Z) undoes the last tag change; in a text field it stays the field's own.
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "z" && !typing) {
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
      const how = { ArrowRight: ["start", 1], ArrowUp: ["start", -1], ArrowLeft: ["end", -1], ArrowDown: ["end", 1] }[event.key];
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
        if (span && current()) {
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

  /* ---- Label suggestions: ghost markers, cue highlights, key a accepts ----------- */
  /* Fetched from the API after the page is drawn (the page's own queries stay as they
     are); the API decides who sees them, and a refusal simply shows none. */
  const suggestions = {};
  const NAMES = { sourced: "Sourced", unsourced: "Unsourced", opinion: "Opinion", speculation: "Speculation" };
  const LETTER = { sourced: "S", unsourced: "U", opinion: "O", speculation: "P" };
  let versionInput = tagForm.elements.suggestion_version;
  if (!versionInput) {
    versionInput = document.createElement("input");
    versionInput.type = "hidden";
    versionInput.name = "suggestion_version";
    tagForm.appendChild(versionInput);
  }

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
    const words = "Suggested: " + NAMES[suggestion.label] + " (" + percent + "%, " + suggestion.layer + "). " + suggestion.explanation + " Press a to accept.";
    ghost.className = "ghost t-" + suggestion.label;
    ghost.tabIndex = 0;
    ghost.title = words;
    ghost.dataset.ghost = suggestion.label;
    ghost.setAttribute("role", "note");
    ghost.innerHTML = '<b aria-hidden="true"></b><span class="vh"></span>';
    ghost.querySelector("b").textContent = LETTER[suggestion.label] + "?";
    ghost.querySelector(".vh").textContent = words;
    ghost.addEventListener("mouseenter", function () { showCues(el); });
    ghost.addEventListener("focus", function () { showCues(el); });
    ghost.addEventListener("mouseleave", function () { showCues(current()); });
    const text = el.querySelector(".text");
    text.parentNode.insertBefore(ghost, text.nextSibling);
  }

  function acceptSuggestion() {
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
    versionInput.value = suggestion.model_version;
    save();
    versionInput.value = "";
  }

  /* The untagged sentence whose suggestion is least certain: where a person's judgement
     is worth most. */
  function leastCertain() {
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

  if (workspace.dataset.suggestions) {
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

  /* ---- Start: the sentence the server selected ---------------------------------- */
  const initial = current() || sentences()[0];
  if (initial) {
    currentId = initial.id;
    initial.classList.add("is-current");
    initial.tabIndex = 0;
    initial.setAttribute("aria-current", "true");
    fillPanel(initial);
  }
})();
