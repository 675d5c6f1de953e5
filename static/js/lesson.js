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
  // The learner turned to this page since the last beat: it takes the study focus from any
  // other lesson open elsewhere (the server credits one lesson at a time).
  var turnedTo = true;
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
    window.addEventListener(name, function () { lastActivity = Date.now(); turnedTo = true; }, { passive: true });
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

  // Another lesson, open elsewhere, is the one earning study time, or the account signed in
  // again elsewhere: say so (with a link to the lesson that counts).
  function showPaused(otherLesson, signedInElsewhere) {
    var note = document.querySelector("[data-lesson-paused]");
    if (!note) return;
    if (signedInElsewhere) { note.textContent = message("paused_session"); note.hidden = false; return; }
    if (!otherLesson) { note.hidden = true; return; }
    var link = document.createElement("a");
    link.href = otherLesson.url;
    link.textContent = otherLesson.title;
    note.replaceChildren(message("paused_other") + " ", link);
    note.hidden = false;
  }

  // A presence check from the server: a modal dialog (focus moves to its button; Escape does
  // not dismiss it) until "继续学习" is chosen; its answer goes back with the check's token.
  var dialog = document.querySelector("[data-presence-dialog]");
  var presenceToken = null;
  var presenceTimer = null;

  function showPresenceCheck(check) {
    if (!dialog) return;
    if (!check || !check.token) {
      // No prompt for this page: answered in another tab, or shown where the official now
      // studies (another lesson, window or device).
      if (dialog.open) {
        window.clearInterval(presenceTimer);
        presenceToken = null;
        dialog.close();
      }
      return;
    }
    presenceToken = check.token;
    var left = check.seconds_left;
    var counter = dialog.querySelector("[data-presence-left]");
    function tick() {
      if (counter) counter.textContent = left > 0 ? message("seconds_left") + " " + left : message("paused_presence");
      left -= 1;
    }
    window.clearInterval(presenceTimer);
    tick();
    presenceTimer = window.setInterval(tick, 1000);
    if (!dialog.open) dialog.showModal();
  }

  if (dialog) {
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); });
    dialog.querySelector("[data-presence-answer]").addEventListener("click", function () {
      window.clearInterval(presenceTimer);
      fetch(dialog.dataset.presenceUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ token: presenceToken }),
      }).finally(function () {
        dialog.close();
        lastActivity = Date.now();
        turnedTo = true;
        beat();
      });
    });
  }

  // 4:05, or 1:02:09 past an hour (as the clock filter prints it on the page).
  function clock(seconds) {
    seconds = Math.max(Math.floor(seconds || 0), 0);
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var tail = (rest < 10 ? "0" : "") + rest;
    if (hours) return hours + ":" + (minutes < 10 ? "0" : "") + minutes + ":" + tail;
    return minutes + ":" + tail;
  }

  function showVideoProgress(data) {
    var watched = document.querySelector("[data-video-watched]");
    var required = document.querySelector("[data-video-required]");
    if (watched) watched.textContent = clock(data.video_position);
    if (required && data.video_required_seconds) required.textContent = clock(data.video_required_seconds);
  }

  // Idle on a visible page: the time does not count; say so until the learner is back.
  function showIdle() {
    var note = document.querySelector("[data-lesson-paused]");
    if (!note || document.visibilityState !== "visible") return;
    note.textContent = message("paused_idle");
    note.hidden = false;
  }

  function showStudyProgress(data) {
    var done = document.querySelector("[data-study-done]");
    if (done) done.textContent = clock(data.active_seconds);
  }

  function beat(options) {
    if (!active()) { showIdle(); return; }
    var body = {};
    // Only where the video is: its length is read from the file on the server.
    if (video && isFinite(video.duration) && video.duration > 0) body.video_position = video.currentTime;
    if (turnedTo) body.takeover = true;
    turnedTo = false;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      // keepalive lets the last position reach the server as the page closes.
      keepalive: Boolean(options && options.keepalive),
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
        showPaused(data.paused_by, data.signed_in_elsewhere);
        showPresenceCheck(data.presence_check);
        showStudyProgress(data);
        showVideoProgress(data);
      })
      .catch(function () { showStatus(false, true); });
  }

  // Resume where the official left the video, unless that was (nearly) its end.
  function resume() {
    var at = parseInt(article.dataset.videoResumeAt, 10) || 0;
    if (at < 3 || !isFinite(video.duration) || at > video.duration - 3) return;
    video.currentTime = at;
    var note = document.createElement("p");
    note.className = "lesson__resumed muted";
    note.setAttribute("role", "status");
    note.textContent = message("resumed") + " " + clock(at);
    video.parentNode.insertBefore(note, video.nextSibling);
  }

  if (video) {
    if (video.readyState >= 1) resume();
    else video.addEventListener("loadedmetadata", resume, { once: true });
    // A pause or a seek is where the official may come back to: tell the server at once.
    video.addEventListener("pause", function () { beat(); });
    video.addEventListener("seeked", function () { if (video.paused) beat(); });
    window.addEventListener("pagehide", function () { beat({ keepalive: true }); });
  }

  beat();
  window.setInterval(beat, intervalMs);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { lastActivity = Date.now(); turnedTo = true; beat(); }
  });
})();
