/*
 * Forms that ask before they post: <form data-confirm="Question?">. A handler attribute
 * (onsubmit="return confirm(...)") would be inline script, which the
 * Content-Security-Policy refuses; this file is the app's own.
 */
(function () {
  "use strict";

  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
})();
