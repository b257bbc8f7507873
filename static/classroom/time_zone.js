/* A new class takes the browser's time zone: fill the class form's hidden field with
   the zone the browser reports (an IANA name). Without JavaScript it stays empty and
   the class uses UTC until its teacher picks a zone on the class page. */
(function () {
  "use strict";
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    if (!input.value) input.value = zone;
  });
})();
