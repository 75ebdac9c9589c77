/* Back-office charts: draws every <canvas data-chart="ID"> from the JSON in <script type="application/json"
   id="ID"> (json_script), with the vendored Chart.js. No inline script: pages keep the strict CSP.

   The JSON: {type: "line"|"bar", labels: [...], datasets: [{label, data, right}], stacked, percent,
   spanGaps, linearX (data as {x, y} points on a numeric x axis), xTitle, yTitle, y2Title,
   markers: [{value, label, colour}] (dashed vertical lines at x values)}. A dataset with `right` uses a
   second scale on the right (drawn as a line over bars). Built by dashboard.reports and pricing.charts. */
(function () {
  "use strict";

  var markerPlugin = {
    id: "markers",
    afterDatasetsDraw: function (chart, args, markers) {
      var area = chart.chartArea;
      var ctx = chart.ctx;
      (markers.items || []).forEach(function (marker, row) {
        var x = chart.scales.x.getPixelForValue(marker.value);
        ctx.save();
        ctx.strokeStyle = marker.colour;
        ctx.fillStyle = marker.colour;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.textAlign = "center";
        ctx.fillText(marker.label, x, area.top + 10 + 13 * row);
        ctx.restore();
      });
    },
  };

  function percentTicks(value) {
    return value + " %";
  }

  function axis(title, extra) {
    var scale = extra || {};
    if (title) {
      scale.title = { display: true, text: title };
    }
    return scale;
  }

  function draw(canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var hasRight = spec.datasets.some(function (set) { return set.right; });
    var datasets = spec.datasets.map(function (set) {
      var dataset = { label: set.label, data: set.data, yAxisID: set.right ? "y2" : "y", spanGaps: !!spec.spanGaps };
      if (set.right && spec.type === "bar") {
        dataset.type = "line";
      }
      return dataset;
    });
    var scales = {
      x: axis(spec.xTitle, spec.linearX ? { type: "linear" } : { stacked: !!spec.stacked }),
      y: axis(spec.yTitle, {
        stacked: !!spec.stacked,
        beginAtZero: true,
        ticks: spec.percent ? { callback: percentTicks } : {},
      }),
    };
    if (hasRight) {
      scales.y2 = axis(spec.y2Title, { position: "right", beginAtZero: !spec.linearX, grid: { drawOnChartArea: false } });
    }
    var data = { datasets: datasets };
    if (spec.labels) {
      data.labels = spec.labels;
    }
    new window.Chart(canvas, {
      type: spec.type,
      data: data,
      plugins: [markerPlugin],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: spec.linearX ? "nearest" : "index", intersect: false },
        scales: scales,
        plugins: { legend: { position: "bottom" }, markers: { items: spec.markers || [] } },
      },
    });
    canvas.dataset.drawn = "true";
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  // The admin's form media load in <head> without `defer`: wait for the canvases.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
