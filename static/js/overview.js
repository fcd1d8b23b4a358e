// The appraisal overview's batch form: "select all on this page" and the count of ticked
// records. Without JavaScript the boxes are ticked one by one and the form works the same.
(function () {
  "use strict";
  var form = document.getElementById("batch");
  if (!form) { return; }
  var all = document.getElementById("batch-all");
  var count = document.getElementById("batch-count");
  var ticks = Array.prototype.slice.call(form.querySelectorAll("input.batch-tick"));
  var update = function () {
    var n = ticks.filter(function (t) { return t.checked; }).length;
    if (count) { count.textContent = (count.getAttribute("data-template") || "{n}").replace("{n}", String(n)); }
    if (all) {
      all.checked = n > 0 && n === ticks.length;
      all.indeterminate = n > 0 && n < ticks.length;
    }
  };
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      ticks.forEach(function (t) { t.checked = all.checked; });
      update();
    });
  }
  ticks.forEach(function (t) { t.addEventListener("change", update); });
  update();
})();
