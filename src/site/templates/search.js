// Filters the record list of search-index.js by name, alias or id as you
// type; every record is also reachable from its collection's page.
(function () {
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var records = window.TECHPACT_RECORDS || [];
  if (!input || !list) return;
  function show() {
    var q = input.value.trim().toLowerCase();
    list.textContent = "";
    for (var i = 0, shown = 0; q && i < records.length && shown < 50; i++) {
      if (records[i][2].indexOf(q) < 0) continue;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = records[i][0];
      a.textContent = records[i][1];
      li.appendChild(a);
      li.appendChild(document.createTextNode(" · " + records[i][3]));
      list.appendChild(li);
      shown++;
    }
  }
  input.addEventListener("input", show);
  // index.html?q=WORDS opens with that search done, so a search can be linked.
  var given = /[?&]q=([^&]*)/.exec(window.location.search);
  if (given) {
    input.value = decodeURIComponent(given[1].replace(/\+/g, " "));
    show();
  }
})();
