// Copy buttons: a button with data-copy="ID" copies the value of the field ID (a class's
// join link). Without JavaScript the buttons stay hidden and the field is selectable.
(() => {
  "use strict";
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.closest(".join-link")?.querySelector(".copy-status");
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = "Link copied: paste it into a message to your students.";
      } catch {
        // No clipboard access (an older browser, a page not served over HTTPS).
        if (status) status.textContent = "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.";
      }
    });
  }
})();
