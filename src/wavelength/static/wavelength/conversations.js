/* The comment editor's @ autocomplete: type @ and a few letters, pick a person or a team.
   Works on every textarea[data-mentions] inside an element carrying data-mention-url. */
(function () {
  "use strict";
  var HANDLE = /(^|[\s(])@([a-z0-9][a-z0-9._-]*)$/i;

  function setup(area) {
    if (area.dataset.mentionsReady) return;
    area.dataset.mentionsReady = "1";
    var host = area.closest("[data-mention-url]");
    if (!host) return;
    var url = host.dataset.mentionUrl;
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.id = area.id + "-mentions";
    list.hidden = true;
    area.insertAdjacentElement("afterend", list);
    area.setAttribute("aria-controls", list.id);
    area.setAttribute("aria-autocomplete", "list");
    var active = -1;
    var timer = null;

    function query() {
      var before = area.value.slice(0, area.selectionStart);
      var match = HANDLE.exec(before);
      return match ? match[2] : null;
    }
    function close() { list.hidden = true; list.innerHTML = ""; active = -1; }
    function choose(item) {
      var caret = area.selectionStart;
      var before = area.value.slice(0, caret).replace(/@([a-z0-9][a-z0-9._-]*)$/i, "@" + item.dataset.handle + " ");
      area.value = before + area.value.slice(caret);
      area.selectionStart = area.selectionEnd = before.length;
      close();
      area.focus();
    }
    function highlight(index) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
    }
    function show(items) {
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.handle = item.handle;
        var handle = document.createElement("strong");
        handle.textContent = "@" + item.handle;
        var label = document.createElement("span");
        label.className = "muted small";
        label.textContent = " " + item.label + (item.kind === "team" ? " · " + (host.dataset.mentionTeam || "team") : "");
        li.appendChild(handle);
        li.appendChild(label);
        if (item.can_see === false) {
          var hidden = document.createElement("span");
          hidden.className = "badge badge-warning mention-hidden";
          hidden.textContent = host.dataset.mentionHidden || "cannot see this";
          li.appendChild(document.createTextNode(" "));
          li.appendChild(hidden);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      highlight(items.length ? 0 : -1);
    }
    area.addEventListener("input", function () {
      var q = query();
      clearTimeout(timer);
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) { if (query() === q) show(data.items || []); })
          .catch(close);
      }, 120);
    });
    area.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      var items = list.querySelectorAll("li");
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) { event.preventDefault(); choose(items[active]); }
      else if (event.key === "Escape") { close(); }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init(root) { (root || document).querySelectorAll("textarea[data-mentions]").forEach(setup); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  if (document.readyState !== "loading") init(document);
})();
