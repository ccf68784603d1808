// The review edition's one control: show only the pairs that need attention.
// Plain script, no library; the page works without it (everything is shown).
(function () {
  "use strict";
  var toggle = document.getElementById("attention-only");
  var shown = document.getElementById("shown-count");
  var rows = document.querySelectorAll("tr.pair");

  function apply() {
    var only = toggle.checked;
    var count = 0;
    document.body.classList.toggle("attention-only", only);
    for (var i = 0; i < rows.length; i++) {
      if (!only || rows[i].classList.contains("attention")) {
        count++;
      }
    }
    shown.textContent = count + " of " + rows.length + " pairs shown";
  }

  toggle.disabled = false;
  toggle.addEventListener("change", apply);
  apply();
})();
