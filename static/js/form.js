// Progressive enhancement only: the form works without it.
// A second tap must not send the form twice.
document.addEventListener("submit", function (e) {
  var b = e.target.querySelector("button[type=submit]");
  if (b) { setTimeout(function () { b.disabled = true; }, 0); }
});
// Framed (the portal embed): post the page height so the host sizes the iframe.
if (window.parent !== window) (function () {
  var last = 0, de = document.documentElement;
  function post() {
    var h = Math.ceil(de.getBoundingClientRect().height);
    if (h !== last) { last = h; parent.postMessage({ hailong: "height", height: h }, "*"); }
  }
  if (window.ResizeObserver) { new ResizeObserver(post).observe(de); }
  addEventListener("load", post);
  addEventListener("resize", post);
  post();
})();
// Kiosk tablet: a form left half-filled is reset after two minutes without
// a touch, so the next citizen does not find (or send) someone else's answers.
if (document.body.classList.contains("kiosk") && document.querySelector("form[method=post]")) (function () {
  var idle = 120000, timer;
  function used() {
    return document.querySelector("form[method=post] input:checked") !== null ||
      Array.prototype.some.call(document.querySelectorAll("form[method=post] textarea, form[method=post] input[type=text]"),
        function (t) { return t.value !== ""; });
  }
  function reset() {
    if (used()) { location.replace(location.pathname); } else { arm(); }
  }
  function arm() { clearTimeout(timer); timer = setTimeout(reset, idle); }
  ["pointerdown", "keydown", "input", "scroll"].forEach(function (ev) { addEventListener(ev, arm, true); });
  arm();
})();
// Kiosk tablet: full screen from the first tap (browsers allow it only on
// a user's gesture), and again after anyone leaves it, so the tablet shows
// the survey alone and no browser controls.
if (document.body.classList.contains("kiosk") && document.documentElement.requestFullscreen) (function () {
  addEventListener("pointerdown", function () {
    if (!document.fullscreenElement) { document.documentElement.requestFullscreen().catch(function () {}); }
  }, true);
})();
