// Progressive enhancement only: the form works without it. Prevents a
// second tap from sending the form twice while the first is in flight.
document.addEventListener("submit", function (e) {
  var b = e.target.querySelector("button[type=submit]");
  if (b) { setTimeout(function () { b.disabled = true; }, 0); }
});
// Framed by another site (the portal embed), tell the host page how tall
// the page is, so its iframe shows it whole: no inner scroll bar.
(function () {
  if (window.parent === window) { return; }
  var last = 0;
  function post() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) {
      last = h;
      window.parent.postMessage({ hailong: "height", height: h }, "*");
    }
  }
  if (window.ResizeObserver) { new ResizeObserver(post).observe(document.documentElement); }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  post();
})();
