/* The idle warning: the server ends a session after SESSION_IDLE_MINUTES without a request
   (people/session_policy.py, which notes activity at most once a minute). Two minutes before,
   a dialog offers to stay signed in; at the end, the page goes to the sign-in page. Every
   request the page's own scripts make (study heartbeats, quiz answers) counts as activity. */
(function () {
  "use strict";
  var dialog = document.querySelector("[data-session-warning]");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var idleMs = parseInt(dialog.dataset.idleSeconds, 10) * 1000;
  if (!idleMs) return;
  var SERVER_RESOLUTION_MS = 60 * 1000;
  var WARN_BEFORE_MS = 2 * 60 * 1000;
  var left = dialog.querySelector("[data-session-left]");
  // Requests the page makes by itself (the admin editor's pings) are not activity.
  var passive = (dialog.dataset.passivePaths || "").split(" ").filter(Boolean);
  var lastContact = Date.now();

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  var originalFetch = window.fetch;
  if (originalFetch) {
    window.fetch = function (resource) {
      var url = new URL(typeof resource === "string" ? resource : resource.url, window.location.href);
      var counts = passive.every(function (path) { return url.pathname.indexOf(path) !== 0; });
      return originalFetch.apply(this, arguments).then(function (response) {
        if (counts && response.ok && !response.redirected) lastContact = Date.now();
        return response;
      });
    };
  }

  function clock(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    seconds = seconds % 60;
    return minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function signIn() {
    var next = window.location.pathname + window.location.search;
    window.location.assign(dialog.dataset.loginUrl + "?next=" + encodeURIComponent(next));
  }

  function tick() {
    var remaining = lastContact + idleMs - SERVER_RESOLUTION_MS - Date.now();
    if (remaining <= 0) { signIn(); return; }
    if (remaining <= WARN_BEFORE_MS) {
      left.textContent = clock(remaining);
      if (!dialog.open) dialog.showModal();
    } else if (dialog.open) {
      dialog.close();
    }
  }

  dialog.querySelector("[data-session-stay]").addEventListener("click", function () {
    fetch(dialog.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      if (response.status === 401) signIn();
      else tick();
    });
  });
  window.setInterval(tick, 1000);
})();
