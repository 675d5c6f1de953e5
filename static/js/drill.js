// Drill page: the scenario clock and the real time left, counted here from the server's figures
// and resynchronised by each poll of the feed; new injects added to the feed as they are
// revealed; each task's draft saved as it changes and sent on request. The server enforces
// every rule and decides what is shown; this only keeps the page current. Every text from the
// server goes in with textContent, never as HTML.
(function () {
  "use strict";
  var form = document.querySelector("form.drill[data-feed-url]");
  if (!form) return;
  var messages = document.getElementById("drill-messages");
  var saveStatus = form.querySelector("[data-save-status]");
  var feedList = form.querySelector("[data-feed]");
  var feedStatus = form.querySelector("[data-feed-status]");
  var pollSeconds = parseInt(form.dataset.pollSeconds, 10) || 10;
  var factor = parseFloat(form.dataset.factor); // scenario seconds per real second
  var scenarioMinutes = parseFloat(form.dataset.scenarioMinutes);
  var clockStart = parseInt(form.dataset.clockStart, 10); // wall-clock ms, read as UTC
  var shown = parseInt(form.dataset.shown, 10) || 0;
  var base = { minutes: parseFloat(form.dataset.minutes), remaining: parseInt(form.dataset.remainingSeconds, 10), at: Date.now() };
  var changed = {}; // task key -> true while a change waits for the typing to pause
  var pending = {}; // task key -> true while a save is owed
  var refusedDrafts = {}; // task key -> true while its last draft was refused (the task says why)
  var timers = {};
  var inFlight = false;
  var submitting = false;

  function message(name) {
    var node = messages && messages.content.querySelector('[data-msg="' + name + '"]');
    return node ? node.textContent.trim() : name;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function setStatus(text, isError) {
    saveStatus.textContent = text;
    saveStatus.classList.toggle("quiz__save--error", !!isError);
  }
  function taskNode(key) { return form.querySelector('[data-task="' + key + '"]'); }
  function pad(number) { return (number < 10 ? "0" : "") + number; }

  // Answers from the page: JSON to the server, which sends back {error} with the reason when it
  // refuses (in the user's language).
  function postJson(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify(payload),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        var error = new Error("not json");
        error.signedOut = response.redirected || response.status === 403;
        throw error;
      }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }

  // --- The clock -----------------------------------------------------------------------
  var clockNode = form.querySelector("[data-clock]");
  var timerNode = form.querySelector("[data-timer]");

  function resync(minutes, remaining) {
    base = { minutes: minutes, remaining: remaining, at: Date.now() };
  }
  function tick() {
    if (showClock()) window.setTimeout(tick, 1000);
  }
  // Shows the clock and the time left; false once the time is up (and the form is posted).
  function showClock() {
    var elapsed = (Date.now() - base.at) / 1000;
    var minutes = Math.min(base.minutes + (elapsed * factor) / 60, scenarioMinutes);
    var wall = new Date(clockStart + minutes * 60000);
    clockNode.textContent = wall.getUTCFullYear() + "-" + pad(wall.getUTCMonth() + 1) + "-" + pad(wall.getUTCDate()) +
      " " + pad(wall.getUTCHours()) + ":" + pad(wall.getUTCMinutes());
    var left = Math.max(0, Math.round(base.remaining - elapsed));
    var hours = Math.floor(left / 3600);
    var rest = left % 3600;
    timerNode.textContent = (hours ? hours + ":" + pad(Math.floor(rest / 60)) : Math.floor(rest / 60)) + ":" + pad(rest % 60);
    timerNode.parentNode.classList.toggle("quiz__timer--low", left <= 300);
    if (left === 0) { finish(); return false; }
    return true;
  }

  // When the time is up the form is posted: the server keeps the drafts it carries (within the
  // grace for network lag) and submits the run.
  function finish() {
    if (submitting) return;
    submitting = true;
    form.dataset.timeUp = "1";
    form.submit();
  }

  // --- The feed ------------------------------------------------------------------------
  var injectTemplate = document.getElementById("drill-inject-template");
  var itemTemplate = document.getElementById("drill-item-template");
  var injects = {}; // key -> {author, time, text}: what a verification item is labelled with

  feedList.querySelectorAll("[data-inject]").forEach(function (node) {
    injects[node.dataset.inject] = {
      author: node.querySelector(".drill-inject__author").textContent,
      time: node.querySelector(".drill-inject__time").textContent,
      text: node.querySelector(".drill-inject__text").textContent,
    };
  });

  function addInject(inject) {
    var node = injectTemplate.content.firstElementChild.cloneNode(true);
    var article = node.querySelector("article");
    node.id = "inject-" + inject.key;
    node.dataset.inject = inject.key;
    node.classList.add("drill-inject--new");
    article.classList.add("drill-inject--" + inject.risk);
    article.setAttribute("aria-labelledby", "inject-" + inject.key + "-head");
    node.querySelector(".drill-inject__head").id = "inject-" + inject.key + "-head";
    node.querySelector(".drill-inject__kind").textContent = inject.kind_label;
    node.querySelector(".drill-inject__author").textContent = inject.author;
    node.querySelector(".drill-inject__time").textContent = inject.time;
    var risk = node.querySelector(".drill-risk");
    risk.classList.add("drill-risk--" + inject.risk);
    risk.textContent = inject.risk_text;
    var text = node.querySelector(".drill-inject__text");
    text.textContent = inject.text;
    if (inject.image_url) {
      var image = document.createElement("img");
      image.className = "drill-inject__image";
      image.src = inject.image_url;
      image.alt = inject.image_alt;
      image.loading = "lazy";
      text.after(image);
    }
    if (inject.questions.length) {
      var list = node.querySelector(".drill-inject__questions");
      inject.questions.forEach(function (question) {
        var item = document.createElement("li");
        item.textContent = question;
        list.appendChild(item);
      });
      list.hidden = false;
      node.querySelector(".drill-inject__asks").hidden = false;
    }
    feedList.insertBefore(node, feedList.firstChild);
    injects[inject.key] = { author: inject.author, time: inject.time, text: inject.text };
  }

  function poll() {
    fetch(form.dataset.feedUrl + "?shown=" + shown, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          var error = new Error("not json");
          error.signedOut = response.redirected;
          throw error;
        }
        return response.json();
      })
      .then(function (data) {
        if (data.ended) { finish(); return; }
        resync(data.minutes, data.remaining_seconds);
        showClock();
        data.injects.forEach(addInject);
        if (data.injects.length) {
          shown += data.injects.length;
          form.querySelector("[data-feed-empty]").hidden = true;
          feedStatus.textContent = message("new_items") + " " + data.injects.map(function (inject) {
            return inject.kind_label + " · " + inject.author;
          }).join("; ");
        }
        data.tasks.forEach(updateTask);
        schedulePoll();
      })
      .catch(function (error) {
        setStatus(message(error.signedOut ? "signed_out" : "offline"), true);
        if (!error.signedOut) schedulePoll();
      });
  }
  // Officials of a cohort start together: spreading the polls keeps them from arriving at once.
  function schedulePoll() {
    window.setTimeout(poll, pollSeconds * 1000 * (0.9 + Math.random() * 0.2));
  }

  // --- Tasks -----------------------------------------------------------------------------
  function setTaskState(task, state) {
    if (task.dataset.state === state) return;
    task.dataset.state = state;
    var label = task.querySelector("[data-state-label]");
    label.textContent = message("state_" + state);
    label.className = "drill-state drill-state--" + state;
    var work = task.querySelector("[data-work]");
    if (work) work.disabled = state !== "open";
    var status = task.querySelector("[data-task-status]");
    if (status && state === "closed") status.textContent = message("closed_note");
  }

  function updateTask(entry) {
    var task = taskNode(entry.key);
    if (!task) return;
    setTaskState(task, entry.state);
    var instructions = task.querySelector("[data-instructions]");
    if (entry.instructions && !instructions.textContent.trim()) instructions.textContent = entry.instructions;
    var items = task.querySelector("[data-items]");
    if (items) {
      entry.items.forEach(function (key) {
        if (!items.querySelector('[data-item="' + key + '"]')) addItem(task, items, key);
      });
      task.querySelector("[data-items-empty]").hidden = entry.items.length > 0;
    }
    var questions = task.querySelector("[data-questions]");
    if (questions && questions.children.length !== entry.questions.length) {
      questions.textContent = "";
      entry.questions.forEach(function (question) {
        var item = document.createElement("li");
        item.textContent = question;
        questions.appendChild(item);
      });
      task.querySelector("[data-questions-empty]").hidden = entry.questions.length > 0;
    }
  }

  function addItem(task, items, key) {
    var taskKey = task.dataset.task;
    var node = itemTemplate.content.firstElementChild.cloneNode(true);
    var inject = injects[key] || { author: key, time: "", text: "" };
    node.dataset.item = key;
    var link = node.querySelector("legend a");
    link.href = "#inject-" + key;
    link.textContent = inject.author + " · " + inject.time;
    node.querySelector(".drill-mark__excerpt").textContent = inject.text.length > 80 ? inject.text.slice(0, 79) + "…" : inject.text;
    node.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.name = taskKey + "-" + key + "-verdict";
      radio.id = taskKey + "-" + key + "-" + radio.value;
      radio.nextElementSibling.htmlFor = radio.id;
    });
    var note = node.querySelector("[data-note]");
    note.name = taskKey + "-" + key + "-note";
    note.id = taskKey + "-" + key + "-note";
    node.querySelector(".drill-mark__note-label").htmlFor = note.id;
    items.appendChild(node);
  }

  function payloadOf(task) {
    if (task.dataset.kind !== "verify") return { text: task.querySelector("[data-text]").value };
    var marks = {};
    task.querySelectorAll("[data-item]").forEach(function (item) {
      var checked = item.querySelector("input[type=radio]:checked");
      var note = item.querySelector("input[type=text]").value;
      if (checked || note.trim()) marks[item.dataset.item] = { verdict: checked ? checked.value : "", note: note };
    });
    return { marks: marks };
  }

  function lengthOf(text) { return Array.from(text.trim()).length; }

  function showCount(task) {
    var area = task.querySelector("[data-text]");
    var count = task.querySelector("[data-count]");
    if (!area || !count) return;
    var length = lengthOf(area.value);
    var min = parseInt(task.dataset.min, 10) || 0;
    var max = parseInt(task.dataset.max, 10);
    var text = fill(message("count"), { length: length, max: max });
    if (min) text += " " + fill(message("count_min"), { min: min });
    var over = length > max;
    var under = length > 0 && length < min;
    if (over) text += " " + message("too_long");
    if (under) text += " " + message("too_short");
    count.textContent = text;
    count.classList.toggle("drill-count--bad", over || under);
    area.setAttribute("aria-invalid", over ? "true" : "false");
  }

  function showFlags(task, forbidden) {
    var box = task.querySelector("[data-flags]");
    if (!box) return;
    box.textContent = "";
    if (!forbidden.length) return;
    var title = document.createElement("p");
    title.className = "drill-flags__title";
    title.textContent = message("flags_title");
    var list = document.createElement("ul");
    forbidden.forEach(function (item) {
      var entry = document.createElement("li");
      var phrase = document.createElement("strong");
      phrase.textContent = item.phrase;
      entry.appendChild(phrase);
      entry.appendChild(document.createTextNode(" — " + item.reason));
      list.appendChild(entry);
    });
    box.appendChild(title);
    box.appendChild(list);
  }

  function taskStatus(task, text, isError) {
    var status = task.querySelector("[data-task-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("drill-task__status--error", !!isError);
  }

  function refused(task, result) {
    if (result.data.closed) { submitting = true; window.location.assign(result.data.result_url); return; }
    // A task closed meanwhile shows as such at the next poll; the message says why now.
    taskStatus(task, result.data.error, true);
  }

  // One save at a time, oldest change first; a failed one is retried.
  function flush() {
    if (inFlight) return;
    var keys = Object.keys(pending);
    if (!keys.length) { showSaved(); return; }
    var task = taskNode(keys[0]);
    delete pending[keys[0]];
    if (task.dataset.state !== "open") { flush(); return; }
    inFlight = true;
    setStatus(message("saving"));
    postJson(task.dataset.saveUrl, payloadOf(task))
      .then(function (result) {
        inFlight = false;
        if (result.data.saved) {
          delete refusedDrafts[task.dataset.task];
          taskStatus(task, "");
          showFlags(task, result.data.flags.forbidden);
        } else {
          refusedDrafts[task.dataset.task] = true;
          refused(task, result);
        }
        flush();
      })
      .catch(function (error) {
        inFlight = false;
        pending[task.dataset.task] = true;
        setStatus(message(error.signedOut ? "signed_out" : "failed"), true);
        if (!error.signedOut) window.setTimeout(flush, 3000);
      });
  }

  function showSaved() {
    if (Object.keys(changed).length || Object.keys(pending).length || inFlight) setStatus(message("saving"));
    else if (Object.keys(refusedDrafts).length) setStatus(message("not_saved"), true);
    else setStatus(message("saved"));
  }

  function queue(task, delay) {
    var key = task.dataset.task;
    changed[key] = true;
    setStatus(message("saving"));
    window.clearTimeout(timers[key]);
    timers[key] = window.setTimeout(function () {
      delete changed[key];
      pending[key] = true;
      flush();
    }, delay);
  }

  function send(task) {
    if (!window.confirm(message("confirm_send"))) return;
    var key = task.dataset.task;
    window.clearTimeout(timers[key]);
    delete changed[key];
    delete pending[key];
    var button = task.querySelector("[data-send]");
    button.disabled = true;
    taskStatus(task, message("sending"));
    postJson(task.dataset.sendUrl, payloadOf(task))
      .then(function (result) {
        button.disabled = false;
        if (!result.data.sent) { refused(task, result); showSaved(); return; }
        delete refusedDrafts[key];
        setTaskState(task, "sent");
        button.hidden = true;
        taskStatus(task, fill(message("sent"), { time: result.data.sent_time }));
        showSaved();
      })
      .catch(function (error) {
        button.disabled = false;
        taskStatus(task, message(error.signedOut ? "signed_out" : "failed"), true);
      });
  }

  form.querySelectorAll("[data-task]").forEach(function (task) {
    task.addEventListener("input", function (event) {
      if (event.target.matches("[data-text]")) showCount(task);
      if (event.target.type !== "radio") queue(task, 800);
    });
    task.addEventListener("change", function (event) {
      if (event.target.type === "radio") queue(task, 0);
    });
    var button = task.querySelector("[data-send]");
    if (button) button.addEventListener("click", function (event) { event.preventDefault(); send(task); });
    showCount(task);
  });

  form.addEventListener("submit", function (event) {
    if (submitting && !form.dataset.timeUp) { event.preventDefault(); return; }
    if (!form.dataset.timeUp && !window.confirm(message("confirm_submit"))) { event.preventDefault(); return; }
    submitting = true;
    form.querySelector("[data-submit]").disabled = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (Object.keys(changed).length || Object.keys(pending).length || inFlight)) { event.preventDefault(); event.returnValue = ""; }
  });

  tick();
  schedulePoll();
})();
