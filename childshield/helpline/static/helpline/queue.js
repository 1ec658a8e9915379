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

// A poll that finds nothing changed leaves the rows as they are (204 No Content), so the minutes
// each item has waited are counted on here, by the server's clock as the rows were made (this
// computer's clock may be wrong). A change on the server, and an item passing the alert time,
// bring new rows.
(function () {
  var offset = 0;
  var format = null;

  function formatter() {
    if (format === null) {
      try {
        format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
          style: "unit", unit: "minute", unitDisplay: "long"
        });
      } catch (error) {
        format = false;  // a browser without unit formatting keeps the minutes the server wrote
      }
    }
    return format;
  }

  function readClock() {
    var stamp = document.querySelector("#queue [data-server-now]");
    var server = stamp ? Date.parse(stamp.getAttribute("data-server-now")) : NaN;
    if (!isNaN(server)) offset = server - Date.now();
  }

  function tick() {
    var now = Date.now() + offset;
    var cells = document.querySelectorAll("#queue [data-waiting-minutes]");
    for (var i = 0; i < cells.length; i++) {
      var cell = cells[i];
      var since = cell.querySelector("time[datetime]");
      var shown = cell.querySelector("span");
      var start = since ? Date.parse(since.getAttribute("datetime")) : NaN;
      if (isNaN(start) || !shown || !formatter()) continue;
      var minutes = Math.max(0, Math.floor((now - start) / 60000));
      if (String(minutes) === cell.getAttribute("data-waiting-minutes")) continue;
      cell.setAttribute("data-waiting-minutes", String(minutes));
      shown.textContent = formatter().format(minutes);
    }
  }

  document.addEventListener("DOMContentLoaded", readClock);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "queue") readClock();
  });
  setInterval(tick, 15000);
})();
