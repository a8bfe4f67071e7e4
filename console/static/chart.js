// Arrivals (bars) and the average wait (line) by hour, with the vendored uPlot.
"use strict";
(function () {
  const box = document.getElementById("chart");
  if (!box || !window.uPlot) return;
  let plot = null;

  function options(width) {
    return {
      width: width, height: 260,
      scales: {
        x: { time: false, range: function (u, min, max) { return [min - 0.5, max + 0.5]; } },
        n: { range: function (u, min, max) { return [0, Math.max(5, Math.ceil(max * 1.15))]; } },
        w: { range: function (u, min, max) { return [0, Math.max(5, Math.ceil((max || 0) * 1.15))]; } },
      },
      axes: [
        { label: "hour", incrs: [1], values: function (u, ticks) { return ticks.map(function (t) { return Number.isInteger(t) ? t + ":00" : ""; }); } },
        { scale: "n", label: "tickets" },
        { scale: "w", side: 1, label: "average wait (min)", grid: { show: false } },
      ],
      series: [
        { label: "Hour", value: function (u, v) { return v == null ? "--" : v + ":00"; } },
        { label: "Tickets issued", scale: "n", stroke: "#2a6f97", fill: "rgba(42,111,151,0.35)", paths: uPlot.paths.bars({ size: [0.7, 40] }) },
        { label: "Average wait (min)", scale: "w", stroke: "#c2571a", width: 2, spanGaps: true, points: { size: 6 } },
      ],
    };
  }

  window.drawChart = function (series) {
    const data = [series.hours, series.arrivals, series.wait_min];
    if (!series.hours.length) {
      box.textContent = "The hours appear here once the queue engine has published today's figures.";
      plot = null;
      return;
    }
    if (plot) { plot.setData(data); return; }
    box.textContent = "";
    plot = new uPlot(options(Math.max(280, box.clientWidth)), data, box);
  };
  window.addEventListener("resize", function () { if (plot) plot.setSize({ width: Math.max(280, box.clientWidth), height: 260 }); });
  window.drawChart(JSON.parse(box.dataset.series));
})();
