/* The notification bell: dropdown, and live updates.
 *
 * Live delivery: the page's data-live says how news arrives.
 * - "sse" (served by uvicorn): an EventSource on the stream endpoint receives "notification"
 *   events (each new notification) and "count" events (the unread count); the browser
 *   reconnects by itself with Last-Event-ID, so nothing is lost. If the stream is refused
 *   (too many open for this user) or keeps failing, the bell polls bell.json instead and tries
 *   to stream again every minute.
 * - "poll" (a WSGI server, where a stream would hold a worker): bell.json every data-poll-ms.
 * An "end" event (the user may no longer receive notifications) or a 401/403 from bell.json
 * stops live updates. Polling pauses while the tab is hidden.
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
  var POLL_MS = Number(bell.dataset.pollMs || 2000);
  var RETRY_STREAM_MS = 60000;
  var source = null;
  var pollTimer = null;
  var retryTimer = null;
  var polling = false;
  var busy = false;
  var stopped = false;

  function stop() {
    stopped = true;
    stopPolling();
    if (source) { source.close(); source = null; }
    bell.dataset.live = "off";
  }

  function poll() {
    if (busy || stopped || document.hidden) return;
    busy = true;
    fetch(bell.dataset.pollUrl + "?after=" + lastId, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) { stop(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        data.notifications.forEach(receive);
        setCount(data.unread);
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  function startPolling(retryStream) {
    if (stopped) return;
    if (!polling) {
      polling = true;
      bell.dataset.live = "poll";
      pollTimer = setInterval(poll, POLL_MS);
    }
    if (retryStream && !retryTimer) {
      retryTimer = setTimeout(function () { retryTimer = null; startStream(); }, RETRY_STREAM_MS);
    }
  }

  function stopPolling() {
    polling = false;
    clearInterval(pollTimer);
    clearTimeout(retryTimer);
    retryTimer = null;
  }

  function startStream() {
    if (stopped) return;
    if (!window.EventSource) { startPolling(false); return; }
    var failures = 0;
    var stream = new EventSource(bell.dataset.streamUrl + "?after=" + lastId);
    source = stream;
    stream.addEventListener("open", function () { failures = 0; stopPolling(); bell.dataset.live = "sse"; });
    stream.addEventListener("notification", function (event) { receive(JSON.parse(event.data)); });
    stream.addEventListener("count", function (event) { setCount(JSON.parse(event.data).unread); });
    stream.addEventListener("end", stop);
    stream.addEventListener("error", function () {
      // A stream ends every few minutes by design and the browser reconnects; fall back only
      // when the browser gives up (a refusal: 429, 403, 204) or it fails several times in a row.
      failures += 1;
      if (stream.readyState === EventSource.CLOSED || failures >= 3) {
        stream.close();
        if (source === stream) source = null;
        startPolling(true);
      }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (polling && !document.hidden) poll();
  });
  setInterval(refreshAges, 30000);
  if (bell.dataset.live === "sse") startStream(); else startPolling(false);
})();
