// Quick exit: leave at once, replacing this page in the history where the browser allows, on a
// click of any [data-quick-exit] control or on the Escape key. The control's address is this
// site's /leave/, which tells the browser to drop its cache of this site before it sends the
// child on to the neutral site: without this script, the link alone does that much.
(function () {
  "use strict";
  function leave(url) {
    try { document.body.style.visibility = "hidden"; } catch (e) { /* keep going */ }
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!control) { return; }
    event.preventDefault();
    leave(control.getAttribute("href"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var control = document.querySelector("[data-quick-exit]");
    if (control) { leave(control.getAttribute("href")); }
  });
})();
