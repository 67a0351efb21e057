// Forms with data-confirm ask before they submit ("Chốt số liệu", "Mở
// lại"). A listener, not an onsubmit attribute: the CSP forbids inline script.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
  }
});
