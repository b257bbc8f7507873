// The import page's drop zone: files dropped on it join those chosen with the file
// input (which works by itself without JavaScript), and their names are listed.
(function () {
  "use strict";
  const zone = document.querySelector("[data-drop-zone]");
  if (!zone) return;
  const input = zone.querySelector('input[type="file"]');
  const list = zone.querySelector("[data-drop-list]");

  function show() {
    list.replaceChildren();
    for (const file of input.files) {
      const item = document.createElement("li");
      item.textContent = `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB)`;
      list.append(item);
    }
  }

  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const files = new DataTransfer();
    for (const file of input.files) files.items.add(file);
    for (const file of event.dataTransfer.files) files.items.add(file);
    input.files = files.files;
    show();
  });
  input.addEventListener("change", show);
})();
