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

/*
    ol[data-qa-items=PREFIX]   the checklist form's item rows (a Django formset with positions):
                               each row gets move up / move down / remove buttons and the list
                               an "add an item" button (a copy of template#PREFIX-empty); the
                               positions follow the rows, so they are hidden. Without the
                               script the positions are typed and empty rows come from saving.
*/
(function () {
  "use strict";

  function button(label, text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-ghost btn-sm";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = text;
    b.dataset.qaItemAction = action;
    return b;
  }

  function renumber(list) {
    var n = 0;
    list.querySelectorAll("[data-qa-item]").forEach(function (row) {
      n += 1;
      row.querySelector("[data-qa-item-number]").textContent = n;
      var order = row.querySelector(".qa-item-order input");
      if (order) order.value = n;
      var labels = row.querySelectorAll("label");
      if (labels[0]) labels[0].textContent = list.dataset.labelItem.replace("{n}", n);
      if (labels[1]) labels[1].textContent = list.dataset.labelPosition.replace("{n}", n);
    });
  }

  function enhanceRow(list, row) {
    var tools = document.createElement("div");
    tools.className = "qa-item-tools";
    tools.appendChild(button(list.dataset.labelUp, "↑", "up"));
    tools.appendChild(button(list.dataset.labelDown, "↓", "down"));
    tools.appendChild(button(list.dataset.labelRemove, "×", "remove"));
    row.appendChild(tools);
  }

  function addRow(list) {
    var prefix = list.dataset.qaItems;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-empty");
    if (!total || !template || (max && +total.value >= +max.value)) return;
    var html = template.innerHTML.replace(/__prefix__/g, total.value);
    total.value = +total.value + 1;
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    var row = holder.querySelector("[data-qa-item]");
    enhanceRow(list, row);
    list.appendChild(row);
    renumber(list);
    row.querySelector("input[type=text], input:not([type])").focus();
  }

  function enhance(list) {
    list.classList.add("qa-items-enhanced");
    var head = list.previousElementSibling;
    if (head && head.classList.contains("qa-item-head")) head.classList.add("qa-items-enhanced");
    list.querySelectorAll("[data-qa-item]").forEach(function (row) { enhanceRow(list, row); });
    var hint = document.getElementById(list.dataset.qaItems + "-hint");
    if (hint && list.dataset.hint) hint.textContent = list.dataset.hint;
    var add = button(list.dataset.labelAdd, "+ " + list.dataset.labelAdd, "add");
    add.className = "btn btn-sm qa-item-add";
    add.removeAttribute("aria-label");
    list.insertAdjacentElement("afterend", add);
    add.addEventListener("click", function () { addRow(list); });
    list.addEventListener("click", function (event) {
      var target = event.target.closest("[data-qa-item-action]");
      if (!target) return;
      var row = target.closest("[data-qa-item]");
      var action = target.dataset.qaItemAction;
      if (action === "remove") {
        // A row missing from the post is an empty one to Django's formset: it is dropped.
        var near = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        (near ? near.querySelector("input") : add).focus();
      } else {
        var other = action === "down" ? row.nextElementSibling : row.previousElementSibling;
        if (!other) return;
        if (action === "up") list.insertBefore(row, other);
        else list.insertBefore(other, row);
        target.focus();
      }
      renumber(list);
    });
    renumber(list);
  }

  document.querySelectorAll("ol[data-qa-items]").forEach(enhance);
})();
