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

// Sentences: each sentence of a pair is one or more <span data-s="<pair id>-<n>">; pointing at one or
// focusing it (Tab) marks it and its counterpart(s) in the same row, so a reader sees which Persian
// sentence each English one translates.  A sentence with no counterpart is marked in the page itself.
(function () {
  "use strict";
  var linked = [];

  function clear() {
    for (var i = 0; i < linked.length; i++) {
      linked[i].classList.remove("s-linked");
    }
    linked = [];
  }

  function show(target) {
    var sentence = target && target.closest ? target.closest("span[data-s]") : null;
    clear();
    if (!sentence) {
      return;
    }
    var row = sentence.closest("tr") || document;
    var key = sentence.getAttribute("data-s");
    var all = row.querySelectorAll('span[data-s="' + key + '"]');
    for (var i = 0; i < all.length; i++) {
      all[i].classList.add("s-linked");
      linked.push(all[i]);
    }
  }

  document.addEventListener("mouseover", function (event) { show(event.target); });
  document.addEventListener("focusin", function (event) { show(event.target); });
  document.addEventListener("focusout", function () { clear(); });
})();
