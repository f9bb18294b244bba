/*
  The respondent's survey page (no inline scripts: the CSP forbids them). Without it every
  question shows and the server drops answers its logic hides; with it a question shows only
  once the earlier answer it depends on is one of its values:
    fieldset[data-show-if="q<id>"][data-show-values="0|1|2"]
*/
(function () {
  "use strict";

  function chosen(form, name) {
    return Array.prototype.map.call(
      form.querySelectorAll("[name='" + name + "']:checked"), function (i) { return i.value; });
  }

  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (question) {
      var wanted = question.dataset.showValues.split("|");
      var earlier = form.querySelector("#question-" + question.dataset.showIf.slice(1));
      var shown = !(earlier && earlier.hidden) &&
        chosen(form, question.dataset.showIf).some(function (v) { return wanted.indexOf(v) >= 0; });
      question.hidden = !shown;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-survey]");
    if (!form) return;
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
