// Copy buttons of the embed page: data-copy names the textarea to copy.
// Without the clipboard API (plain HTTP), the text is selected and copied
// the old way; the textarea stays selectable by hand either way.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-copy]");
  if (!b) { return; }
  var src = document.getElementById(b.getAttribute("data-copy"));
  var label = b.textContent;
  function done() {
    b.textContent = b.getAttribute("data-done");
    setTimeout(function () { b.textContent = label; }, 2000);
  }
  function fallback() {
    src.focus();
    src.select();
    try { document.execCommand("copy"); } catch (err) { return; }
    done();
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(src.value).then(done, fallback);
  } else {
    fallback();
  }
});
