/* Back-office charts: draws every <canvas data-chart="ID"> from the JSON that dashboard.reports built
   (a <script type="application/json" id="ID"> written by json_script), with the vendored Chart.js.
   No inline script: the page keeps the site's strict Content-Security-Policy. */
(function () {
  "use strict";

  function percentTicks(value) {
    return value + " %";
  }

  function draw(canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var hasRight = spec.datasets.some(function (set) { return set.right; });
    var datasets = spec.datasets.map(function (set) {
      var dataset = { label: set.label, data: set.data, yAxisID: set.right ? "y2" : "y", spanGaps: !!spec.spanGaps };
      if (set.right && spec.type === "bar") {
        dataset.type = "line"; // a bar chart's right-hand series reads better as a line over the bars
      }
      return dataset;
    });
    var scales = {
      x: { stacked: !!spec.stacked },
      y: { stacked: !!spec.stacked, beginAtZero: true, ticks: spec.percent ? { callback: percentTicks } : {} },
    };
    if (hasRight) {
      scales.y2 = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } };
    }
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: { legend: { position: "bottom" } },
      },
    });
    canvas.dataset.drawn = "true";
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
