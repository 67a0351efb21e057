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
