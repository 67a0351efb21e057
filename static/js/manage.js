// The desks page: forms with data-confirm ask first ("Đổi mã QR" kills
// every printed poster; registering a device signs the official out).
// Without JavaScript the forms still work, unconfirmed.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
