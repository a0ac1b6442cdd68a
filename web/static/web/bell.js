/* The notification bell: dropdown, and live updates.
 *
 * Live delivery: an EventSource on the stream endpoint (Server-Sent Events) receives
 * "notification" events (each new notification) and "count" events (the unread count). The
 * browser reconnects by itself with Last-Event-ID. If the stream keeps failing (a proxy that
 * buffers, no EventSource), the bell falls back to polling a JSON endpoint every second.
 */
(function () {
  "use strict";
  var bell = document.getElementById("bell");
  if (!bell) return;
  var button = document.getElementById("bell-button");
  var panel = document.getElementById("bell-panel");
  var count = document.getElementById("bell-count");
  var status = document.getElementById("bell-status");
  var list = document.getElementById("bell-list");
  var empty = document.getElementById("bell-empty");
  var template = document.getElementById("bell-item-template");
  var lastId = Number(bell.dataset.lastId || 0);
  var MAX_ITEMS = 10;

  function setCount(unread) {
    if (String(unread) === count.textContent) return;
    count.textContent = String(unread);
    count.classList.toggle("is-zero", unread === 0);
    button.setAttribute("aria-label", "Notifications, " + unread + " unread");
    status.textContent = unread + " unread notification" + (unread === 1 ? "" : "s");
  }

  function age(iso) {
    var seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 60) return "just now";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min ago";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h ago";
    return Math.floor(hours / 24) + " d ago";
  }

  function refreshAges() {
    list.querySelectorAll("time.bell-age").forEach(function (node) {
      if (node.dateTime) node.textContent = age(node.dateTime);
    });
  }

  function addItem(note) {
    if (list.querySelector('[data-id="' + note.id + '"]')) return;
    var item = template.content.firstElementChild.cloneNode(true);
    item.dataset.id = note.id;
    item.classList.toggle("is-unread", !note.read);
    item.querySelector("form").action = bell.dataset.openUrl.replace("/0/", "/" + note.id + "/");
    item.querySelector(".bell-title").textContent = note.title;
    item.querySelector(".bell-message").textContent = note.message;
    var time = item.querySelector("time");
    time.dateTime = note.created_at;
    time.textContent = age(note.created_at);
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_ITEMS) list.removeChild(list.lastElementChild);
    empty.hidden = true;
  }

  function receive(note) {
    if (note.id <= lastId) return;
    lastId = note.id;
    addItem(note);
    // Other scripts (the board) listen for this rather than open a second stream.
    document.dispatchEvent(new CustomEvent("ptw:notification", { detail: note }));
  }

  // --- Dropdown ---
  function open(show) {
    panel.hidden = !show;
    button.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) refreshAges();
  }
  button.addEventListener("click", function () { open(panel.hidden); });
  document.addEventListener("click", function (event) {
    if (!panel.hidden && !bell.contains(event.target)) open(false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { open(false); button.focus(); }
  });

  // --- Live ---
  var polling = false;
  function startPolling() {
    if (polling) return;
    polling = true;
    bell.dataset.live = "poll";
    var busy = false;
    setInterval(function () {
      if (busy) return;
      busy = true;
      fetch(bell.dataset.pollUrl + "?after=" + lastId, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          data.notifications.forEach(receive);
          setCount(data.unread);
        })
        .catch(function () {})
        .then(function () { busy = false; });
    }, 1000);
  }

  function startStream() {
    if (!window.EventSource) { startPolling(); return; }
    var failures = 0;
    var source = new EventSource(bell.dataset.streamUrl + "?after=" + lastId);
    source.addEventListener("open", function () { failures = 0; bell.dataset.live = "sse"; });
    source.addEventListener("notification", function (event) { receive(JSON.parse(event.data)); });
    source.addEventListener("count", function (event) { setCount(JSON.parse(event.data).unread); });
    source.addEventListener("error", function () {
      // A stream ends every few minutes by design and the browser reconnects; give up only
      // when it fails several times in a row or the browser stops retrying.
      failures += 1;
      if (source.readyState === EventSource.CLOSED || failures >= 3) {
        source.close();
        startPolling();
      }
    });
  }

  setInterval(refreshAges, 30000);
  startStream();
})();
