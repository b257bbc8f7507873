/*
 * Small screens, on every page: the top bar's menu folds behind a Menu button, and wide
 * tables and charts scroll sideways inside a box of their own instead of widening the
 * page.
 *
 * Without this script the menu wraps onto more lines and tables scroll by CSS alone
 * (app.css); nothing is out of reach.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  /* ---- The menu ------------------------------------------------------------------ */
  const topbar = document.querySelector(".topbar");
  const button = topbar && topbar.querySelector(".menu-button");
  const menu = document.getElementById("menu");
  if (button && menu) {
    const setOpen = function (open) {
      topbar.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", String(open));
    };
    button.hidden = false;
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Esc closes an open menu and gives the focus back to its button.
    topbar.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && topbar.classList.contains("is-open")) {
        setOpen(false);
        button.focus();
      }
    });
  }

  /* ---- Tables and charts that scroll sideways ------------------------------------ */
  /* Each sits in a box that scrolls; a box that does scroll can be focused (so the
     keyboard scrolls it too) and is a named region for screen readers. */
  const boxes = [];

  function nameOf(el) {
    const caption = el.querySelector("caption, figcaption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    const label = el.getAttribute("aria-label");
    if (label) return label;
    const svg = el.querySelector("svg[aria-label], svg title");
    if (svg) return svg.getAttribute("aria-label") || svg.textContent.trim();
    return el.tagName === "TABLE" ? "Table" : "Chart";
  }

  function wrap(root) {
    root.querySelectorAll("table").forEach(function (table) {
      if (!table.closest("main")) return;
      let box = table.parentElement;
      if (!box.classList.contains("table-scroll")) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (!boxes.some(function (item) { return item.box === box; })) {
        boxes.push({ box: box, name: nameOf(table) });
      }
    });
  }

  wrap(document);
  document.querySelectorAll("main .chart-box").forEach(function (figure) {
    boxes.push({ box: figure, name: nameOf(figure) });
  });

  function markScrolling() {
    boxes.forEach(function (item) {
      const box = item.box;
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", item.name + " (scrolls sideways)");
      } else if (box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  markScrolling();
  window.addEventListener("resize", markScrolling);
  // A list that htmx redraws (the article list as you filter) brings a new table.
  document.addEventListener("htmx:afterSettle", function (event) {
    for (let i = boxes.length - 1; i >= 0; i--) {
      if (!document.contains(boxes[i].box)) boxes.splice(i, 1);
    }
    wrap(event.target);
    markScrolling();
  });
})();
