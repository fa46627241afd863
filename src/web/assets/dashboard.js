// Draws the dashboard's trend chart with uPlot from the JSON island the server wrote. Without
// JavaScript the same figures are in the table under the chart.
(function () {
  'use strict';
  function draw() {
    var island = document.getElementById('trend-data');
    var target = document.getElementById('trend-chart');
    if (!island || !target || typeof uPlot === 'undefined') return;
    var days = JSON.parse(island.textContent || '[]');
    var xs = days.map(function (d) { return Date.UTC(+d.day.slice(0, 4), +d.day.slice(5, 7) - 1, +d.day.slice(8, 10)) / 1000; });
    var width = Math.max(320, Math.min(target.clientWidth || 800, 1100));
    var opts = {
      width: width,
      height: 240,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      scales: { x: { time: true } },
      series: [
        {},
        { label: 'New matches', stroke: '#1f5fa8', width: 2, points: { show: true } },
        { label: 'New reports', stroke: '#b3261e', width: 2, dash: [6, 3], points: { show: true } },
      ],
      axes: [{}, { label: 'per day' }],
    };
    new uPlot(opts, [xs, days.map(function (d) { return d.matches; }), days.map(function (d) { return d.reports; })], target);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();
