// The dashboards' charts: each <canvas data-chart="ID"> is drawn from the JSON block with that
// id (made by app/reports/dashboard_charts.py), so the page needs no inline script or style.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var Chart = window.Chart;
  Chart.defaults.font.family =
    'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  Chart.defaults.color = "#333";
  Chart.defaults.maintainAspectRatio = false;

  function axis(spec, isValue) {
    var a = { stacked: !!spec.stacked, ticks: {} };
    if (isValue) {
      a.beginAtZero = true;
      if (spec.percent) {
        a.min = 0;
        a.max = 100;
        a.ticks.callback = function (v) { return v + "%"; };
      } else {
        a.ticks.precision = 0;
      }
    }
    return a;
  }

  function config(spec) {
    var horizontal = spec.kind === "bar" && spec.horizontal;
    var line = spec.kind === "line";
    var datasets = spec.datasets.map(function (d) {
      return {
        label: d.label,
        data: d.data,
        backgroundColor: d.color,
        borderColor: d.color,
        borderWidth: line ? 2 : 0,
        pointRadius: line ? 4 : 0,
        spanGaps: false,
        fill: false,
        maxBarThickness: 32
      };
    });
    var scales = horizontal
      ? { x: axis(spec, true), y: axis(spec, false) }
      : { x: axis(spec, false), y: axis(spec, true) };
    return {
      type: spec.kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        animation: false,
        scales: scales,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 14 } },
          tooltip: {
            callbacks: spec.percent ? {
              label: function (c) {
                return c.dataset.label + ": " + (c.raw === null ? "—" : c.raw + "%");
              }
            } : {}
          }
        }
      }
    };
  }

  var charts = [];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var box = canvas.parentNode;
    // Horizontal bars get a row each: the box grows with the number of labels (CSSOM, which
    // the Content-Security-Policy allows, unlike a style attribute).
    var rows = spec.horizontal ? spec.labels.length : 0;
    box.style.height = Math.max(260, rows * 26 + 90) + "px";
    charts.push(new Chart(canvas, config(spec)));
  });

  // Printing: redraw at the paper's width, and back afterwards.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
