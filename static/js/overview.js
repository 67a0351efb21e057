// Officials' overview: sortable tables and live figures. The page works
// without it; this only adds sorting and updates without reloading.
(function () {
  "use strict";
  function sortable(root) {
    root.querySelectorAll("table.sortable").forEach(function (table) {
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
  }
  sortable(document);

  // Live: on an "update" event (figures changed on any replica), fetch this
  // page again with the same filters and swap its figures, charts, tables,
  // comments and alerts; at most once a second, never while the official
  // is typing in it, and once more after the stream reconnects.
  var main = document.getElementById("live-main");
  if (!main || !window.EventSource || !window.fetch) { return; }
  var lang = document.documentElement.lang;
  var status = document.getElementById("live-status");
  var last = 0, timer = null, busy = false;
  function typing() {
    var a = document.activeElement;
    return a && main.contains(a) && /^(INPUT|TEXTAREA)$/.test(a.tagName) && a.value !== "";
  }
  var stale = false;
  function schedule() {
    if (timer) { return; }
    // Up to half a second of jitter: every dashboard hears of a flush at
    // the same moment, and 200 page reads at once would queue the
    // citizens' submissions behind them.
    var wait = Math.max(0, last + 1000 - Date.now()) + Math.random() * 500;
    timer = setTimeout(function () { timer = null; refresh(); }, wait);
  }
  function refresh() {
    // A tab nobody looks at reads the page once it is shown again.
    if (document.hidden) { stale = true; return; }
    if (busy || typing()) { setTimeout(schedule, 1000); return; }
    busy = true;
    last = Date.now();
    var q = main.dataset.query;
    // X-Hailong-Live: only the part replaced here, rendered once per flush
    // for every dashboard with the same filters.
    fetch("/" + (q ? "?" + q : ""), { credentials: "same-origin", headers: { "Accept": "text/html", "X-Hailong-Live": "1" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        main.innerHTML = html;
        sortable(main);
        if (status) { status.textContent = (status.dataset.updated || "") + " " + new Date().toLocaleTimeString(lang === "en" ? "en-GB" : "vi-VN"); }
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && stale) { stale = false; schedule(); }
  });
  var es = new EventSource(main.dataset.live);
  var opened = false;
  es.addEventListener("update", schedule);
  es.addEventListener("open", function () {
    // The first open is the page's own load; a later one is a reconnect,
    // after which updates may have been missed.
    if (opened) { schedule(); }
    opened = true;
  });
})();
