/*
  Catalog pages: drag-and-drop on the product board, filtering long check lists, and showing
  refusals. No inline scripts (the CSP forbids them); everything hangs off data attributes and
  document-level listeners, so it keeps working on content htmx swaps in.

    .feature-card[draggable][data-move-url][data-stage][data-allowed]   a card that can move;
        dropping it on a .board-column[data-stage] posts {stage} to data-move-url with htmx,
        exactly as the card's own "Move to" control does (the server decides, not this file)
    input[data-filter-list="ID"]   hides the items of #ID whose data-filter-text lacks the text
    .js-hidden                     hidden once this script runs (submit buttons of live filters)
*/
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // A refusal (422) comes back with the form or the board and the message in it: swap it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // ---------------------------------------------------------------- board drag-and-drop
  var dragged = null;

  function columns() {
    return document.querySelectorAll(".board-column[data-stage]");
  }

  function clearHints() {
    columns().forEach(function (column) {
      column.classList.remove("is-drop-target", "is-drop-allowed", "is-drop-refused");
    });
    if (dragged) dragged.classList.remove("is-dragging");
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".feature-card[data-move-url]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("is-dragging");
    var allowed = (card.dataset.allowed || "").split(" ");
    columns().forEach(function (column) {
      if (column.dataset.stage === card.dataset.stage) return;
      var ok = allowed.indexOf(column.dataset.stage) !== -1;
      column.classList.add(ok ? "is-drop-allowed" : "is-drop-refused");
    });
  });

  document.addEventListener("dragend", function () {
    clearHints();
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var column = event.target.closest && event.target.closest(".board-column[data-stage]");
    if (!column || column.dataset.stage === dragged.dataset.stage) {
      columns().forEach(function (c) { c.classList.remove("is-drop-target"); });
      return;
    }
    event.preventDefault(); // this column accepts the drop
    event.dataTransfer.dropEffect = "move";
    columns().forEach(function (c) { c.classList.toggle("is-drop-target", c === column); });
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var column = event.target.closest && event.target.closest(".board-column[data-stage]");
    var card = dragged;
    clearHints();
    dragged = null;
    if (!column || column.dataset.stage === card.dataset.stage) return;
    event.preventDefault();
    moveCard(card, column.dataset.stage);
  });

  function moveCard(card, stage) {
    var values = { stage: stage };
    // Keep the board's filters, as the card's own control does with hx-include.
    var filters = document.getElementById("board-filters");
    if (filters) {
      new FormData(filters).forEach(function (value, key) { values[key] = value; });
    }
    var token = card.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) values.csrfmiddlewaretoken = token.value;
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: values,
    });
  }

  // ---------------------------------------------------------------- check list filter
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-filter-list]")) return;
    var list = document.getElementById(input.dataset.filterList);
    if (!list) return;
    var needle = input.value.trim().toLowerCase();
    list.querySelectorAll("[data-filter-text]").forEach(function (item) {
      item.hidden = needle !== "" && item.dataset.filterText.indexOf(needle) === -1;
    });
  });

  // Enter in a list filter must not submit the surrounding form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("input[data-filter-list]")) {
      event.preventDefault();
    }
  });
})();
