// The queue refreshes itself every few seconds; it waits while a counsellor is choosing in it,
// so that a list or button under their hand is not replaced mid-choice.
document.addEventListener("htmx:beforeRequest", function (event) {
  var queue = document.getElementById("queue");
  if (!queue || event.detail.elt !== queue) return;
  var active = document.activeElement;
  if (active && active !== queue && queue.contains(active) && active.tagName === "SELECT") {
    event.preventDefault();
  }
});
