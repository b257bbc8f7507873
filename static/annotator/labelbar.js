/*
 * The label bar: on a narrow screen (a phone, a tablet upright) the tag panel becomes a
 * bar fixed to the bottom of the screen, for the selected sentence: the four labels,
 * Clear and Next, with the outlet, cited source and note one tap away ("Outlet, source,
 * note" opens the rest of the panel). Tagging never means scrolling to the panel and back.
 *
 * The bar *is* the panel (the same form, the same buttons), restyled by app.css while
 * the workspace carries `has-labelbar`: what the workspace's script does with the panel
 * (select, save, clear, undo) works the same in the bar. Next asks it for the next
 * untagged sentence through its `data-action="next"` hook, as the key `n` does.
 *
 * Without JavaScript the panel stays below the article, as it was.
 */
(function () {
  "use strict";

  const workspace = document.querySelector("[data-workspace]");
  const panel = document.getElementById("panel");
  const actions = panel && panel.querySelector(".actions");
  if (!workspace || !actions) return;

  // The width at which app.css puts the panel below the article (one column).
  const narrow = window.matchMedia("(max-width: 900px)");
  const root = document.documentElement;

  // The bar's own buttons are the panel's (_panel.html), shown only in the bar (app.css).
  const more = actions.querySelector(".more-toggle");

  function expand(open) {
    panel.classList.toggle("is-expanded", open);
    more.setAttribute("aria-expanded", String(open));
    more.textContent = open ? "Fewer" : "Outlet, source, note";
    if (open) {
      panel.scrollTop = 0;
      const outlet = panel.querySelector("#id_outlet");
      if (outlet) outlet.scrollIntoView({ block: "nearest" });
    }
  }

  more.addEventListener("click", function () {
    expand(!panel.classList.contains("is-expanded"));
  });

  // The page keeps room below its last line for the bar, and a sentence brought into
  // view (j/k, Next) stops above it, not behind it.
  const measure = new ResizeObserver(function () {
    const height = workspace.classList.contains("has-labelbar") ? panel.offsetHeight : 0;
    root.style.setProperty("--labelbar-height", height + "px");
  });

  function apply() {
    const on = narrow.matches;
    workspace.classList.toggle("has-labelbar", on);
    if (on) {
      measure.observe(panel);
    } else {
      measure.disconnect();
      expand(false);
      root.style.removeProperty("--labelbar-height");
    }
  }

  // Esc inside the opened fields folds them away again (workspace/keys.js then gives the
  // focus back to the sentence).
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel.classList.contains("is-expanded")) expand(false);
  });

  narrow.addEventListener("change", apply);
  apply();
})();
