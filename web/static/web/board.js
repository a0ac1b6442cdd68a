/* The site board, live: countdowns tick every second in the browser; counts, active permits and
 * who is blocking are re-read from the server (the board's own "live" part) when the bell's
 * stream delivers a notification, when the tab comes back into view, and every 30 s (changes
 * that notify nobody on this page: a permit activated by someone else).
 * No inline script: the CSP allows only static files.
 */
(function () {
  "use strict";
  var live = document.getElementById("board-live");
  var REFRESH_MS = 30000;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function duration(seconds) {
    var minutes = Math.floor(seconds / 60);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    minutes = minutes % 60;
    if (days) return days + " d " + hours + " h";
    if (hours) return hours + " h " + pad(minutes) + " min";
    return minutes + " min";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (node) {
      var seconds = (Date.parse(node.dateTime) - now) / 1000;
      var item = node.closest(".active-item");
      node.textContent = seconds > 0 ? duration(seconds) + " left" : "ended " + duration(-seconds) + " ago";
      if (item) {
        item.classList.toggle("is-past", seconds <= 0);
        item.classList.toggle("is-ending", seconds > 0 && seconds <= 3600);
      }
    });
  }

  var busy = false;
  var again = false;
  function refresh() {
    if (!live) return;
    if (busy) { again = true; return; }
    busy = true;
    live.setAttribute("aria-busy", "true");
    fetch(live.dataset.liveUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        // DOMParser never runs scripts; the part is our own server-rendered HTML.
        var fresh = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html").body.firstElementChild;
        live.replaceChildren.apply(live, Array.prototype.slice.call(fresh.childNodes));
        tick();
        live.dispatchEvent(new CustomEvent("ptw:board-updated", { bubbles: true }));
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        live.setAttribute("aria-busy", "false");
        if (again) { again = false; refresh(); }
      });
  }

  var pending = null;
  function soon() {
    clearTimeout(pending);
    pending = setTimeout(refresh, 300);  // several notifications at once: one read
  }

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  tick();
  setInterval(tick, 1000);
  if (live) {
    document.addEventListener("ptw:notification", soon);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) soon(); });
    setInterval(function () { if (!document.hidden) refresh(); }, REFRESH_MS);
  }
})();
