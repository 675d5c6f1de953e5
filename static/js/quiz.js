// Quiz page: save each answer as it changes, retry failed saves, show the server's countdown,
// and submit when time is up. The server enforces every rule; this only keeps the page honest.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz[data-answer-url]");
  if (!form) return;
  var url = form.dataset.answerUrl;
  var status = form.querySelector("[data-save-status]");
  var messages = document.getElementById("quiz-messages");
  var pending = {};
  var inFlight = false;
  var submitting = false;

  function message(name) {
    var node = messages && messages.content.querySelector('[data-msg="' + name + '"]');
    return node ? node.textContent : name;
  }
  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function setStatus(name, isError) {
    status.textContent = message(name);
    status.classList.toggle("quiz__save--error", !!isError);
  }

  function responseOf(item) {
    var type = item.dataset.type;
    if (type === "fill") return item.querySelector("input[type=text]").value;
    var checked = item.querySelectorAll("input:checked");
    return Array.prototype.map.call(checked, function (input) { return parseInt(input.value, 10); });
  }

  function flush() {
    if (inFlight) return;
    var ids = Object.keys(pending);
    if (!ids.length) { setStatus("saved"); return; }
    var id = ids[0];
    var body = JSON.stringify({ question: parseInt(id, 10), response: pending[id] });
    delete pending[id];
    inFlight = true;
    setStatus("saving");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body,
    })
      .then(function (response) {
        inFlight = false;
        if (response.status === 409) { setStatus("closed", true); window.location.reload(); return; }
        if (!response.ok && response.status !== 400) throw new Error(String(response.status));
        flush();
      })
      .catch(function () {
        inFlight = false;
        if (!(id in pending)) pending[id] = JSON.parse(body).response;
        setStatus("failed", true);
        window.setTimeout(flush, 3000);
      });
  }

  function queue(item) {
    pending[item.dataset.question] = responseOf(item);
    flush();
  }

  form.querySelectorAll(".question").forEach(function (item) {
    var timer = null;
    item.addEventListener("change", function () { queue(item); });
    item.addEventListener("input", function (event) {
      if (event.target.type !== "text") return;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { queue(item); }, 600);
    });
  });

  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    var unanswered = Array.prototype.filter.call(form.querySelectorAll(".question"), function (item) {
      var value = responseOf(item);
      return value === "" || (Array.isArray(value) && !value.length);
    }).length;
    var prompt = (unanswered ? message("unanswered") + "\n" : "") + message("confirm");
    if (!form.dataset.timeUp && !window.confirm(prompt)) { event.preventDefault(); return; }
    submitting = true;
    form.querySelector("[data-submit]").disabled = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (Object.keys(pending).length || inFlight)) { event.preventDefault(); event.returnValue = ""; }
  });

  var timerNode = form.querySelector("[data-timer]");
  if (timerNode && form.dataset.remainingSeconds !== undefined) {
    var endsAt = Date.now() + parseInt(form.dataset.remainingSeconds, 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timerNode.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      timerNode.parentNode.classList.toggle("quiz__timer--low", left <= 60);
      if (left === 0 && !submitting) {
        form.dataset.timeUp = "1";
        form.requestSubmit ? form.requestSubmit() : form.submit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
