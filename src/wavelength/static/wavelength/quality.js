/*
  The quality pages' script (no inline scripts: the CSP forbids them). Everything works
  without it; it adds recording results from the keyboard, as the feedback inbox triages.
  (catalog.js, loaded too, swaps in 422 answers and filters check lists.)

    [data-qa-run]       the run view's results: j / k move between [data-qa-row] items,
                        p / f / b / s / r press the focused row's [data-qa-key=<key>] button
                        (passed, failed, blocked, skipped, retest), o (or Enter on the
                        title) opens the result. The focus moves on to the next row at once,
                        while htmx swaps the recorded row and the progress, so a run is
                        recorded key by key as fast as one types.
*/
(function () {
  "use strict";

  // The focused row is kept by id: htmx replaces rows (and, while it settles a swap, puts
  // back the old attributes), so a class alone would be lost.
  var focusedId = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-qa-row]"));
  }

  function mark() {
    rows().forEach(function (row) { row.classList.toggle("is-focused", row.id === focusedId); });
  }

  function focusRow(index) {
    var all = rows();
    if (!all.length) return;
    var row = all[Math.max(0, Math.min(index, all.length - 1))];
    focusedId = row.id;
    mark();
    row.scrollIntoView({ block: "nearest" });
    var link = row.querySelector("[data-qa-open]");
    if (link) link.focus({ preventScroll: true });
  }

  function focusedRow() {
    return focusedId ? document.getElementById(focusedId) : null;
  }

  function focusedIndex() {
    return rows().indexOf(focusedRow());
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  // A click or tab into a row makes it the focused one, so keys follow the pointer too.
  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("[data-qa-row]");
    if (!row || row.id === focusedId) return;
    focusedId = row.id;
    mark();
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (!document.querySelector("[data-qa-run]")) return;
    var row = focusedRow();
    switch (event.key) {
      case "j": focusRow(focusedIndex() + 1); break;
      case "k": focusRow(Math.max(0, focusedIndex() - 1)); break;
      case "o":
        if (!row) return;
        var link = row.querySelector("[data-qa-open]");
        if (link) window.location.href = link.href;
        break;
      case "p": case "f": case "b": case "s": case "r":
        if (!row) return;
        var button = row.querySelector("[data-qa-key='" + event.key + "']");
        if (!button) return;
        button.click(); // htmx sends the clicked button's status
        focusRow(focusedIndex() + 1); // on to the next case without waiting for the server
        break;
      default: return;
    }
    event.preventDefault();
  });

  // Once a swap has settled, the focused row shows as focused again; a row the server
  // refused takes the focus, so the tester reads why. If the focused link itself was
  // replaced, the focus goes to its replacement rather than to the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    var refused = target && target.matches && target.matches("[data-qa-row]") &&
      target.querySelector("[role=alert]");
    if (refused) {
      focusRow(rows().indexOf(target));
      return;
    }
    mark();
    var row = focusedRow();
    if (row && (document.activeElement === document.body || !document.activeElement)) {
      var link = row.querySelector("[data-qa-open]");
      if (link) link.focus({ preventScroll: true });
    }
  });
})();
