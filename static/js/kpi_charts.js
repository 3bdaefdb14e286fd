// The KPI page's charts, drawn from the tables beside them (which stay readable without JavaScript); the
// series' names come from the canvas (data-*-label), in the reader's language.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d", "#0dcaf0"];

  function number(text) {
    return text === "" || text === undefined ? null : Number(text);
  }

  function ordersChart(canvas, table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    return new window.Chart(canvas, {
      data: {
        labels: rows.map(function (row) { return row.dataset.label; }),
        datasets: [
          { type: "bar", label: canvas.dataset.ordersLabel, data: rows.map(function (row) { return number(row.dataset.orders); }),
            backgroundColor: "rgba(13,110,253,.35)", yAxisID: "orders" },
          { type: "line", label: canvas.dataset.shareLabel, data: rows.map(function (row) {
              var share = number(row.dataset.overdue); return share === null ? null : Math.round(share * 100);
            }), borderColor: "#dc3545", backgroundColor: "#dc3545", spanGaps: true, yAxisID: "share" }
        ]
      },
      options: { maintainAspectRatio: false, animation: false, scales: {
        orders: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
        share: { position: "right", beginAtZero: true, max: 100, grid: { drawOnChartArea: false },
                 ticks: { callback: function (value) { return value + "%"; } } }
      } }
    });
  }

  function ratingsChart(canvas, table) {
    var weeks = Array.prototype.map.call(table.querySelectorAll("thead th[data-week]"), function (th) {
      return th.dataset.week;
    });
    var datasets = Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (row, index) {
      return {
        label: row.dataset.label,
        data: Array.prototype.map.call(row.querySelectorAll("td[data-value]"), function (td) { return number(td.dataset.value); }),
        borderColor: palette[index % palette.length], backgroundColor: palette[index % palette.length], spanGaps: true
      };
    });
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: weeks, datasets: datasets },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 1, max: 5, ticks: { stepSize: 1 } } } }
    });
  }

  function staysChart(canvas, table) {
    var statuses = Array.prototype.map.call(table.querySelectorAll("thead th[data-status]"), function (th) {
      return th.dataset.status;
    });
    var team = table.querySelector("tbody tr[data-team]");
    var hours = Array.prototype.map.call(team.querySelectorAll("td[data-hours]"), function (td) { return number(td.dataset.hours); });
    return new window.Chart(canvas, {
      type: "bar",
      data: { labels: statuses, datasets: [{ label: canvas.dataset.seriesLabel, data: hours, backgroundColor: "rgba(111,66,193,.45)" }] },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
    });
  }

  var charts = { orders: ordersChart, ratings: ratingsChart, stays: staysChart };

  document.querySelectorAll("canvas.kpi-chart").forEach(function (canvas) {
    var table = document.getElementById(canvas.dataset.source);
    if (!table) return;
    charts[canvas.dataset.chart](canvas, table);
    canvas.dataset.drawn = "yes";
    var numbers = table.closest("details");
    if (numbers) numbers.open = false;  // the chart says it; the numbers stay one click away
  });
})();
