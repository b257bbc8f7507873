/*
 * Failed requests, in words. On every page a failed htmx request (filtering the article
 * list, say) is reported at the top of the page; the workspace's saves report theirs on
 * their sentence, with the same words (describe).
 */

export const loginUrl = document.body.dataset.loginUrl || "/accounts/login/";

/* The CSRF token that base.html gives htmx, for requests made with fetch. */
export function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (err) {
    return "";
  }
}

/* What went wrong, in words, for a status code (0: no answer at all). */
export function describe(status, text, what) {
  what = what || "Not saved";
  const reason = (text || "").trim();
  const plain = reason && reason.length < 300 && reason.indexOf("<") === -1;
  if (status === 0) return what + ": the server could not be reached. Check the connection and try again.";
  if (status === "timeout") return what + ": the server did not answer in time. Try again.";
  if (status === "unexpected") {
    return what + ": the server's answer was not this sentence. Reload the page to see what was saved.";
  }
  if (status === 401) return what + ": your session has ended.";
  if (status === 403) return what + ": " + (plain ? reason : "you are not allowed to do this.");
  if (status === 404) return what + ": this sentence or tag no longer exists. Reload the page.";
  if (status === 400 && plain) return what + ": " + reason;
  if (status >= 500) return what + ": the server failed (error " + status + "). Try again in a moment.";
  return what + ": the request failed (error " + status + ").";
}

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
