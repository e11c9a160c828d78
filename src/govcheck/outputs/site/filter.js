(function () {
  "use strict";
  var box = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#entities tbody tr"));
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  document.getElementById("filter-form").hidden = false;
  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row, index) {
      var match = words.every(function (word) { return texts[index].indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }
  box.addEventListener("input", apply);
  apply();
})();
