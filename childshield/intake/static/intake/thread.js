// The reply thread: new messages appear without reloading. Without JavaScript the page still works.
// The page asks for the messages after the last it shows; the answer says when to ask again
// (X-Poll-Seconds: every second or so while a counsellor holds the report or a web chat is open).
(function () {
  "use strict";
  var box = document.querySelector("[data-thread]");
  var token = document.querySelector("input[name=thread_token]");
  if (!box || !token || !window.fetch || !window.FormData) { return; }
  var list = box.querySelector("ol");
  var seconds = parseInt(box.getAttribute("data-poll-seconds"), 10) || 20;
  function last() {
    var ids = Array.prototype.map.call(list.querySelectorAll("li[data-message-id]"), function (item) {
      return parseInt(item.getAttribute("data-message-id"), 10) || 0;
    });
    return Math.max.apply(null, [0].concat(ids));
  }
  function poll() {
    var body = new FormData();
    body.append("thread_token", token.value);
    body.append("after", String(last()));
    fetch(box.getAttribute("data-updates-url"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw response; }
        seconds = parseInt(response.headers.get("X-Poll-Seconds"), 10) || seconds;
        return response.status === 204 ? "" : response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html;
        Array.prototype.forEach.call(holder.content.querySelectorAll("li[data-message-id]"), function (item) {
          var id = item.getAttribute("data-message-id");
          if (!list.querySelector('li[data-message-id="' + id + '"]')) { list.appendChild(item); }
        });
        window.setTimeout(poll, seconds * 1000);
      })
      .catch(function (problem) {
        // 403: the page timed out, and reloading asks for the code again. Otherwise the network
        // dropped: try again later.
        if (problem && problem.status === 403) { return; }
        window.setTimeout(poll, seconds * 3000);
      });
  }
  window.setTimeout(poll, seconds * 1000);
})();
