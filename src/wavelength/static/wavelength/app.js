/*
  Wavelength's only script of its own. No inline scripts anywhere (the CSP forbids them): pages
  opt in with data attributes, and everything here also runs on content htmx swaps in.

    data-shortcut="/"          on an input: pressing that key anywhere focuses it (the last
                               visible one wins); data-shortcut-link="/" on a link is followed
                               when no such input is visible
    data-chart="ID"            on a <canvas>: draw a Chart.js chart from the JSON in
                               <script type="application/json" id="ID"> (json_script), shaped
                               {"type": "bar", "labels": [...], "values": [...], "keys": [...],
                                "label": "..."}; each bar's colour is the CSS variable
                               --stage-<key> (or --accent), so charts match the badges;
                               "axis": "x" draws vertical bars (months left to right);
                               several series: "datasets": [{"key", "label", "values"}]
                               instead of "values" (a legend is shown; "stacked": true stacks
                               bars), each coloured by --stage-<key>;
                               "links": [...] (one address per bar) or a dataset's "link"
                               make each bar or point open the list behind it: a click, or
                               Tab to the chart, the arrow keys to choose, Enter to open;
                               the tooltip says so with the canvas's data-chart-hint
    data-copy="ID"             on a button: copy the text of element #ID, then show
                               data-copied-label for a moment
    data-confirm="Question?"   on a form: ask before submitting
    data-dismiss               on a button inside .message: remove the message
    details.dropdown           closed on Escape and on a click outside
*/
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function chartScales(indexAxis) {
    var valueAxis = indexAxis === "x" ? "y" : "x";
    var scales = {};
    scales[indexAxis] = { grid: { display: false }, border: { display: false },
      ticks: { color: cssVar("--text-2", "#444"), autoSkip: indexAxis === "x", maxRotation: 0,
        font: { size: 12 } } };
    scales[valueAxis] = { beginAtZero: true, border: { display: false },
      grid: { color: cssVar("--border", "#eee") },
      ticks: { precision: 0, color: cssVar("--text-3", "#666"), font: { size: 11 } } };
    return scales;
  }

  function chartLink(data, datasetIndex, index) {
    if (data.datasets) return (data.datasets[datasetIndex] || {}).link || "";
    return (data.links || [])[index] || "";
  }

  // The bars or points that open a list, in reading order: series by series.
  function linkedPoints(chart, data) {
    var points = [];
    chart.data.datasets.forEach(function (dataset, datasetIndex) {
      dataset.data.forEach(function (value, index) {
        if (value !== null && chartLink(data, datasetIndex, index)) {
          points.push({ datasetIndex: datasetIndex, index: index });
        }
      });
    });
    return points;
  }

  function makeClickable(canvas, chart, data) {
    var points = linkedPoints(chart, data);
    if (!points.length) return;
    var current = -1;
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    canvas.insertAdjacentElement("afterend", live);
    canvas.tabIndex = 0;
    canvas.title = canvas.dataset.chartHint || "";
    function show(i) {
      current = (i + points.length) % points.length;
      var point = points[current];
      chart.setActiveElements([point]);
      chart.tooltip.setActiveElements([point], { x: 0, y: 0 });
      chart.update();
      var label = chart.data.labels[point.index];
      var series = chart.data.datasets[point.datasetIndex].label;
      var value = chart.data.datasets[point.datasetIndex].data[point.index];
      live.textContent = (series ? series + ", " : "") + label + ": " + value;
    }
    canvas.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight" || event.key === "ArrowDown") show(current + 1);
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") show(current - 1);
      else if ((event.key === "Enter" || event.key === " ") && current >= 0) {
        var point = points[current];
        window.location.assign(chartLink(data, point.datasetIndex, point.index));
      } else return;
      event.preventDefault();
    });
    canvas.addEventListener("focus", function () { if (current < 0) show(0); });
    canvas.addEventListener("blur", function () {
      current = -1;
      chart.setActiveElements([]);
      chart.tooltip.setActiveElements([], { x: 0, y: 0 });
      chart.update();
    });
  }

  function drawCharts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.chartReady) return;
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var accent = cssVar("--accent", "#4f46e5");
      var colours = (data.keys || []).map(function (key) {
        return cssVar("--stage-" + key, accent);
      });
      canvas.dataset.chartReady = "1";
      var datasets = [{
        label: data.label || "",
        data: data.values,
        backgroundColor: colours.length ? colours : accent,
        borderRadius: 4,
        maxBarThickness: 18,
      }];
      if (data.datasets) {
        datasets = data.datasets.map(function (series) {
          var colour = cssVar("--stage-" + series.key, accent);
          return { label: series.label, data: series.values, backgroundColor: colour,
            borderColor: colour, borderRadius: 2, maxBarThickness: 28, spanGaps: true };
        });
      }
      var scales = chartScales(data.axis === "x" ? "x" : "y");
      if (data.stacked) {
        scales.x.stacked = true;
        scales.y.stacked = true;
      }
      var hint = canvas.dataset.chartHint || "";
      var chart = new window.Chart(canvas, {
        type: data.type || "bar",
        data: { labels: data.labels, datasets: datasets },
        options: {
          // Horizontal bars by default: stage names stay readable on a phone and in French.
          // "axis": "x" in the JSON draws vertical bars (a time series, months left to right).
          indexAxis: data.axis === "x" ? "x" : "y",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,  // calm, and no half-drawn bars after a resize
          plugins: { legend: { display: !!data.datasets, labels: { boxWidth: 12 } },
            tooltip: { displayColors: !!data.datasets, callbacks: {
              footer: function (items) {
                return items.length && chartLink(data, items[0].datasetIndex, items[0].dataIndex)
                  ? hint : "";
              } } } },
          scales: scales,
          onClick: function (event, elements) {
            if (!elements.length) return;
            var link = chartLink(data, elements[0].datasetIndex, elements[0].index);
            if (link) window.location.assign(link);
          },
          onHover: function (event, elements) {
            var link = elements.length && chartLink(data, elements[0].datasetIndex, elements[0].index);
            event.native.target.style.cursor = link ? "pointer" : "";
          },
        },
      });
      makeClickable(canvas, chart, data);
    });
  }

  function init(root) {
    drawCharts(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });

  // Keyboard shortcut: "/" focuses the global search unless you are typing somewhere.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "Escape") {
      document.querySelectorAll("details.dropdown[open]").forEach(function (menu) {
        menu.open = false;
        var summary = menu.querySelector("summary");
        if (summary && menu.contains(target)) summary.focus();
      });
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = CSS.escape(event.key);
    var fields = document.querySelectorAll('[data-shortcut="' + key + '"]');
    // The page's own search box (search page) wins over the top bar's; hidden ones are skipped.
    var field = Array.prototype.filter.call(fields, function (f) { return f.offsetParent !== null; }).pop();
    if (field) {
      event.preventDefault();
      field.focus();
      field.select();
      return;
    }
    var link = document.querySelector('[data-shortcut-link="' + key + '"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });

  // One menu open at a time; a click outside closes it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) {
      var message = dismiss.closest(".message");
      if (message) message.remove();
    }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.dataset.copy);
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var label = copy.textContent;
        copy.textContent = copy.dataset.copiedLabel || label;
        setTimeout(function () { copy.textContent = label; }, 1800);
      });
    }
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
