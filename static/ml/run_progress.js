// Live progress bars of training runs in the admin (ml/admin.py renders the <progress> elements).
// Every two seconds, each bar of a queued or running run asks the staff API for its run and
// updates itself; once a run has finished the page reloads so the row shows its version.
"use strict";

(function () {
  const POLL_MS = 2000;
  const UNFINISHED = new Set(["queued", "running"]);

  function describe(run) {
    const stage = run.status === "running" && run.stage ? " · " + run.stage : "";
    return run.percent + "% · " + run.status.charAt(0).toUpperCase() + run.status.slice(1) + stage;
  }

  async function refresh(bar) {
    const response = await fetch(bar.dataset.runUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      bar.dataset.status = "unknown"; // e.g. signed out: stop polling this bar
      return false;
    }
    const run = await response.json();
    bar.value = run.percent;
    bar.dataset.status = run.status;
    const label = bar.nextElementSibling;
    if (label && label.classList.contains("ml-run-label")) {
      label.textContent = describe(run);
    }
    const log = document.querySelector('[data-run-log="' + run.id + '"]');
    if (log) {
      log.textContent = run.log;
    }
    return !UNFINISHED.has(run.status);
  }

  function poll() {
    const bars = Array.from(document.querySelectorAll("progress.ml-run-progress")).filter((bar) =>
      UNFINISHED.has(bar.dataset.status),
    );
    if (bars.length === 0) {
      return;
    }
    Promise.all(bars.map((bar) => refresh(bar).catch(() => false))).then((finished) => {
      if (finished.some(Boolean)) {
        window.location.reload();
      } else {
        window.setTimeout(poll, POLL_MS);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => window.setTimeout(poll, POLL_MS));
})();
