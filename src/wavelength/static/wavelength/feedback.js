/*
  The feedback pages' script (no inline scripts: the CSP forbids them). Everything works
  without it; it adds keyboard triage and quoting by selection.

    [data-fb-inbox]            the inbox results: j / k move between [data-fb-row] items,
                               x ticks the item's [data-fb-check], e submits its
                               [data-fb-archive] form, o (or Enter on the title) opens it.
                               "/" focuses the inbox search (app.js, data-shortcut="/").
    [data-fb-check-all]        ticks every item of the page
    #bulk-form select[name=action]
                               shows only the value list the chosen action needs (and
                               [data-fb-bulk-for=<action>] groups, the feature finder)
    #bulk-feature-q            Enter searches (htmx) instead of submitting the bulk form
    a refused bulk action (422) swaps the inbox with the reason, like a success
    [data-quote-source]        selecting text inside it fills the link form's
                               [data-quote-field] and the offsets [data-quote-start] /
                               [data-quote-end] (characters from the start of the text)
*/
(function () {
  "use strict";


  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-fb-row]"));
  }

  function focusRow(index) {
    var all = rows();
    if (!all.length) return;
    var current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("is-focused", i === current); });
    var row = all[current];
    row.scrollIntoView({ block: "nearest" });
    var link = row.querySelector("[data-fb-open]");
    if (link) link.focus({ preventScroll: true });
  }

  // The focused row is whatever row carries the class: rows swapped in by htmx start
  // unfocused, and nothing else can go out of step with the page.
  function focusedRow() {
    return document.querySelector("[data-fb-row].is-focused");
  }

  function focusedIndex() {
    return rows().indexOf(focusedRow());
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (!document.querySelector("[data-fb-inbox]")) return;
    var row = focusedRow();
    switch (event.key) {
      case "j": focusRow(focusedIndex() + 1); break;
      case "k": focusRow(Math.max(0, focusedIndex() - 1)); break;
      case "x":
        if (!row) return;
        var box = row.querySelector("[data-fb-check]");
        if (box) box.checked = !box.checked;
        break;
      case "e":
        if (!row) return;
        var form = row.querySelector("[data-fb-archive]");
        if (form) form.requestSubmit();
        break;
      case "o":
        if (!row) return;
        var link = row.querySelector("[data-fb-open]");
        if (link) window.location.href = link.href;
        break;
      default: return;
    }
    event.preventDefault();
  });

  // Tick every item of the page.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-fb-check-all]")) {
      document.querySelectorAll("[data-fb-check]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.matches("#bulk-form select[name=action]")) syncBulk(event.target.form);
  });

  function syncBulk(form) {
    if (!form) return;
    var action = form.querySelector("select[name=action]").value;
    ["status", "type", "theme"].forEach(function (name) {
      var select = form.querySelector("select[name=" + name + "]");
      if (select) select.hidden = name !== action;
    });
    form.querySelectorAll("[data-fb-bulk-for]").forEach(function (group) {
      group.hidden = group.getAttribute("data-fb-bulk-for") !== action;
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.id === "bulk-feature-q") event.preventDefault();
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 422 && event.detail.target && event.detail.target.id === "feedback-results") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Quote by selection: offsets count characters of the text element's content.
  function fillQuote() {
    var source = document.querySelector("[data-quote-source]");
    var field = document.querySelector("[data-quote-field]");
    var selection = window.getSelection();
    if (!source || !field || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) return;
    var before = document.createRange();
    before.setStart(source, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length;
    var text = range.toString();
    var lead = text.length - text.replace(/^\s+/, "").length;
    var quote = text.trim();
    if (!quote) return;
    field.value = quote;
    setOffset("[data-quote-start]", start + lead);
    setOffset("[data-quote-end]", start + lead + quote.length);
    field.classList.add("is-filled");
  }

  function setOffset(selector, value) {
    var input = document.querySelector(selector);
    if (input) input.value = value === "" ? "" : String(value);
  }

  document.addEventListener("mouseup", function () { window.setTimeout(fillQuote, 0); });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey && !typing(event.target)) fillQuote();
  });
  document.addEventListener("touchend", function () { window.setTimeout(fillQuote, 0); });
  document.addEventListener("input", function (event) {
    // A quote typed by hand has no trustworthy offsets; the server finds it in the text.
    if (event.target.matches("[data-quote-field]")) {
      setOffset("[data-quote-start]", "");
      setOffset("[data-quote-end]", "");
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.matches("[data-quote-clear]")) return;
    var field = document.querySelector("[data-quote-field]");
    if (field) field.value = "";
    setOffset("[data-quote-start]", "");
    setOffset("[data-quote-end]", "");
  });

  function init() {
    syncBulk(document.getElementById("bulk-form"));
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:load", init);
})();
