// Study heartbeat: while the lesson is visible and the learner active, tell the server every
// interval. The server measures the time itself; this script never sends a duration.
(function () {
  "use strict";
  var article = document.querySelector("[data-lesson-heartbeat-url]");
  if (!article) return;
  var url = article.dataset.lessonHeartbeatUrl;
  var intervalMs = (parseInt(article.dataset.heartbeatSeconds, 10) || 15) * 1000;
  var idleAfterMs = 2 * 60 * 1000;
  var lastActivity = Date.now();
  var video = document.querySelector("[data-lesson-video]");
  var status = document.querySelector("[data-lesson-status]");
  var messages = document.getElementById("lesson-messages");

  function message(name) {
    var node = messages && messages.content.querySelector('[data-msg="' + name + '"]');
    return node ? node.textContent : name;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  ["mousemove", "keydown", "scroll", "touchstart", "click"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  function active() {
    if (document.visibilityState !== "visible") return false;
    var playing = video && !video.paused && !video.ended;
    return playing || Date.now() - lastActivity < idleAfterMs;
  }

  function showStatus(completed, failed) {
    if (!status) return;
    var badge = document.createElement("span");
    badge.className = "badge" + (completed ? " badge--ok" : failed ? " badge--danger" : "");
    badge.textContent = failed ? message("save_failed") : message(completed ? "completed" : "in_progress");
    status.replaceChildren(badge);
  }

  function beat() {
    if (!active()) return;
    var body = {};
    if (video && isFinite(video.duration) && video.duration > 0) {
      body.video_position = video.currentTime;
      body.video_duration = video.duration;
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        article.dataset.completed = data.completed ? "true" : "false";
        showStatus(data.completed, false);
      })
      .catch(function () { showStatus(false, true); });
  }

  beat();
  window.setInterval(beat, intervalMs);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { lastActivity = Date.now(); beat(); }
  });
})();
