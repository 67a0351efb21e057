// The "In / Print" button of the poster pages. An event listener, not an
// onclick attribute: the Content-Security-Policy forbids inline script.
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) {
    window.print();
  }
});
