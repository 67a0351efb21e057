// Progressive enhancement only: the form works without it. Prevents a
// second tap from sending the form twice while the first is in flight.
document.addEventListener("submit", function (e) {
  var b = e.target.querySelector("button[type=submit]");
  if (b) { setTimeout(function () { b.disabled = true; }, 0); }
});
