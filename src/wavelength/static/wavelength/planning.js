/*
  The roadmap: drag a feature card into another release (timeline) or column (Now / Next /
  Later). Dropping posts the same form as the card's own "Move to" control, with htmx, so the
  server decides and the keyboard and no-script paths stay the same.

    .roadmap-card[draggable][data-move-url][data-product]   a card that can move
    [data-drop-release="ID"][data-product]                  a release it may move into
    [data-drop-column="now|next|later"]                     a column it may move into
*/
(function () {
  "use strict";

  var dragged = null;

  function targetOf(node) {
    var zone = node.closest && node.closest("[data-drop-release], [data-drop-column]");
    if (!zone || !dragged) return null;
    if (zone.dataset.dropRelease !== undefined) {
      if (zone.dataset.product !== dragged.dataset.product) return null;
      if (zone.dataset.dropRelease === dragged.dataset.release) return null;
    } else if (zone.dataset.dropColumn === dragged.dataset.column) {
      return null;
    }
    return zone;
  }

  function clear() {
    document.querySelectorAll(".is-drop-target").forEach(function (z) { z.classList.remove("is-drop-target"); });
    if (dragged) dragged.classList.remove("is-dragging");
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".roadmap-card[data-move-url]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("is-dragging");
  });

  document.addEventListener("dragend", function () { clear(); dragged = null; });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var zone = targetOf(event.target);
    document.querySelectorAll(".is-drop-target").forEach(function (z) {
      if (z !== zone) z.classList.remove("is-drop-target");
    });
    if (!zone) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var zone = targetOf(event.target);
    var card = dragged;
    clear();
    dragged = null;
    if (!zone) return;
    event.preventDefault();
    var form = card.querySelector("form.card-move");
    var values = {};
    if (form) new FormData(form).forEach(function (value, key) { values[key] = value; });
    var filters = document.getElementById("roadmap-filters");
    if (filters) new FormData(filters).forEach(function (value, key) { values[key] = value; });
    delete values.release;
    delete values.column;
    if (zone.dataset.dropRelease !== undefined) values.release = zone.dataset.dropRelease;
    else values.column = zone.dataset.dropColumn;
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card, target: "#roadmap", swap: "outerHTML", values: values,
    });
  });
})();
