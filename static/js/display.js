// The desk display fetches its next code in the background instead of a
// meta refresh, so one failed request (a Wi-Fi blip) never leaves the
// browser's error page on the public screen: it retries every 5 seconds.
// A 4xx (device revoked, desk paused) is shown as the page it is.
(function () {
  var box = document.querySelector("[data-refresh]");
  if (!box || !window.fetch || !window.DOMParser) { return; }
  function later(s) { setTimeout(load, s * 1000); }
  function load() {
    fetch(location.href, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (r.status >= 400 && r.status < 500) { location.reload(); return; }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text().then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-refresh]");
        if (!next) { throw new Error("no display in the answer"); }
        box.replaceWith(next);
        box = next;
        later(+next.getAttribute("data-refresh") || 60);
      });
    }).catch(function () { later(5); });
  }
  later(+box.getAttribute("data-refresh") || 60);
})();
