// The import's progress, polled once a second until the worker finishes; then the page
// reloads to show the outcome. Also the sheet's print button.
(function () {
    "use strict";
    document.querySelectorAll("[data-print]").forEach(function (button) {
        button.addEventListener("click", function () { window.print(); });
    });
    var panel = document.querySelector("[data-import-job]");
    if (!panel) { return; }
    panel.querySelectorAll(".no-js-only").forEach(function (element) { element.hidden = true; });
    var bar = panel.querySelector("[data-import-job-bar]");
    var text = panel.querySelector("[data-import-job-text]");
    var progress = panel.querySelector("[role=progressbar]");
    var checking = panel.dataset.checking;
    var writing = panel.dataset.writing;
    function poll() {
        fetch(panel.dataset.importJob, { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (job) {
                if (!job) { window.setTimeout(poll, 3000); return; }
                if (job.finished) { window.location.reload(); return; }
                if (job.rows_total) {
                    var percent = Math.round(100 * job.rows_done / job.rows_total);
                    bar.style.width = percent + "%";
                    progress.setAttribute("aria-valuemax", job.rows_total);
                    progress.setAttribute("aria-valuenow", job.rows_done);
                    text.textContent = job.rows_done >= job.rows_total ? writing
                        : checking.replace("{done}", job.rows_done).replace("{total}", job.rows_total);
                }
                window.setTimeout(poll, 1000);
            })
            .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
}());
