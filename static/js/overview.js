// Officials' overview: sortable tables and live figures. The page works
// without it; this only adds sorting and updates without reloading.
(function () {
  "use strict";
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, col) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var xv = x.dataset.v !== undefined ? parseFloat(x.dataset.v) : parseFloat(x.textContent.replace(",", "."));
          var yv = y.dataset.v !== undefined ? parseFloat(y.dataset.v) : parseFloat(y.textContent.replace(",", "."));
          var r = (!isNaN(xv) && !isNaN(yv)) ? xv - yv : x.textContent.localeCompare(y.textContent, "vi");
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });

  var cards = document.querySelector("[data-live]");
  if (!cards || !window.EventSource) { return; }
  var lang = document.documentElement.lang;
  var status = document.getElementById("live-status");
  function pct(v) {
    if (v === null || v === undefined) { return "—"; }
    var s = v.toFixed(1);
    return lang === "en" ? s + "%" : s.replace(".", ",") + "\u00a0%";
  }
  function set(id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } }
  function refresh() {
    fetch("/api/v1/indicators?" + cards.dataset.query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        set("kpi-n", String(d.n));
        if (d.service) { set("kpi-service", pct(d.service.hl)); }
        if (d.overall) { set("kpi-overall", pct(d.overall.hl)); }
        if (status) { status.textContent = (lang === "en" ? "Updated " : "Cập nhật lúc ") + new Date().toLocaleTimeString(lang === "en" ? "en-GB" : "vi-VN"); }
      });
  }
  var es = new EventSource(cards.dataset.live);
  es.addEventListener("update", refresh);
})();
