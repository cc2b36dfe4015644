// The portal's own few lines of script. Everything works without it; it
// opens confirmation dialogs and keeps focus sensible after htmx swaps.
(function () {
  "use strict";
  // A signed-in page restored from the back/forward cache after signing
  // out must not show private data: ask the server again, which sends a
  // signed-out browser to the login page.
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted && document.body && document.body.hasAttribute("data-private")) {
      window.location.reload();
    }
  });
  document.addEventListener("click", function (ev) {
    var opener = ev.target.closest("[data-open-dialog]");
    if (opener) {
      var dlg = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dlg && typeof dlg.showModal === "function") {
        ev.preventDefault();
        dlg.showModal();
      }
      return;
    }
    var closer = ev.target.closest("[data-close-dialog]");
    if (closer) {
      var d = closer.closest("dialog");
      if (d) { ev.preventDefault(); d.close(); }
    }
  });
  // A form whose submit button carries data-confirm-match="<value>" stays
  // disabled until the field named by data-confirm-field holds that value.
  document.addEventListener("input", function (ev) {
    var form = ev.target.form;
    if (!form) { return; }
    form.querySelectorAll("[data-confirm-match]").forEach(function (btn) {
      var field = form.elements[btn.getAttribute("data-confirm-field")];
      btn.disabled = !field || field.value !== btn.getAttribute("data-confirm-match");
    });
  });
  // Once a form is sent, its submit buttons are disabled so a double click
  // sends it once (the server also refuses a resent form).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.hasAttribute("data-once")) {
      setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });
  // A file field with data-max-bytes refuses a larger file before anything
  // is uploaded, saying why (data-max-bytes-message); the server checks too.
  document.addEventListener("change", function (ev) {
    var f = ev.target;
    if (!f.matches || !f.matches("input[type=file][data-max-bytes]")) { return; }
    var max = parseInt(f.getAttribute("data-max-bytes"), 10);
    var big = Array.prototype.some.call(f.files || [], function (x) { return x.size > max; });
    f.setCustomValidity(big ? f.getAttribute("data-max-bytes-message") : "");
    if (big) { f.reportValidity(); }
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail.elt;
    if (form && form.hasAttribute && form.hasAttribute("data-once") && !ev.detail.successful) {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    }
  });
})();

// Trackers: "select all" in a tracker table, and a dangerous button that
// stays disabled until its agreement box (data-confirm-check="<name>") is
// ticked; the server refuses the form without it anyway.
(function () {
  "use strict";
  function syncConfirm(root) {
    (root || document).querySelectorAll("[data-confirm-check]").forEach(function (btn) {
      var form = btn.form;
      var box = form && form.elements[btn.getAttribute("data-confirm-check")];
      btn.disabled = !(box && box.checked);
    });
  }
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.hasAttribute && t.hasAttribute("data-check-all")) {
      var table = t.closest("table");
      if (table) {
        // data-check-all names the boxes it ticks (tracker_id by default).
        var name = t.getAttribute("data-check-all") || "tracker_id";
        table.querySelectorAll('input[type=checkbox][name="' + name + '"]:not(:disabled)').forEach(function (box) { box.checked = t.checked; });
      }
    }
    if (t.form) { syncConfirm(t.form); }
  });
  document.addEventListener("DOMContentLoaded", function () { syncConfirm(document); });
  if (document.readyState !== "loading") { syncConfirm(document); }
  document.addEventListener("htmx:afterSettle", function (ev) { syncConfirm(ev.target); });
})();

// The air console: the device's messages arrive as server-sent events (the
// portal holds the console's key and the upstream socket). The log shows
// each message with its time, follows new ones unless told not to, and can
// be paused and cleared. Text is only ever set as text, never as markup.
(function () {
  "use strict";
  var MAX_LINES = 2000;
  function start(log) {
    if (!log || log.getAttribute("data-ready") === "1" || typeof EventSource !== "function") { return; }
    log.setAttribute("data-ready", "1");
    var state = document.getElementById("console-state");
    var pause = document.querySelector("[data-console-pause]");
    var clear = document.querySelector("[data-console-clear]");
    var auto = document.querySelector("[data-console-autoscroll]");
    var times = document.querySelector("[data-console-times]");
    var paused = false;
    var held = [];
    function setState(text, kind) {
      if (!state) { return; }
      state.textContent = text;
      state.className = "badge " + kind;
      state.setAttribute("data-state", kind);
    }
    function add(f) {
      var li = document.createElement("li");
      li.className = "frame frame-" + (f.type || "data");
      li.setAttribute("data-testid", "console-frame");
      li.setAttribute("data-type", f.type || "data");
      var tm = document.createElement("time");
      var d = new Date(f.time);
      tm.className = "frame-time";
      tm.dateTime = f.time || "";
      tm.textContent = isNaN(d.getTime()) ? (f.time || "") : d.toLocaleTimeString();
      var ty = document.createElement("span");
      ty.className = "frame-type";
      ty.textContent = f.type || "data";
      var tx = document.createElement("span");
      tx.className = "frame-text";
      tx.textContent = f.text || "";
      li.appendChild(tm);
      li.appendChild(ty);
      li.appendChild(tx);
      log.appendChild(li);
      while (log.children.length > MAX_LINES) { log.removeChild(log.firstChild); }
      if (!auto || auto.checked) { log.scrollTop = log.scrollHeight; }
    }
    function parse(ev) {
      try { return JSON.parse(ev.data); } catch (e) { return null; }
    }
    var es = new EventSource(log.getAttribute("data-stream"));
    es.addEventListener("frame", function (ev) {
      var f = parse(ev);
      if (!f) { return; }
      if (paused) {
        held.push(f);
        setState((log.getAttribute("data-msg-held") || "%d").replace("%d", String(held.length)), "warn");
      } else {
        add(f);
      }
    });
    es.addEventListener("state", function (ev) {
      var s = parse(ev) || {};
      if (s.state === "open") {
        setState(s.text || log.getAttribute("data-msg-open"), "ok");
      } else {
        setState(s.text || log.getAttribute("data-msg-closed"), "warn");
        es.close();
      }
    });
    es.addEventListener("fail", function (ev) {
      var s = parse(ev) || {};
      setState(s.text || log.getAttribute("data-msg-lost"), "bad");
      es.close();
    });
    es.onerror = function () {
      // No reconnecting behind the staff member's back: each connection
      // asks the Panel for a console key. Reloading the page reconnects.
      if (state && state.getAttribute("data-state") !== "warn" && state.getAttribute("data-state") !== "bad") {
        setState(log.getAttribute("data-msg-lost"), "bad");
      }
      es.close();
    };
    window.addEventListener("pagehide", function () { es.close(); });
    if (pause) {
      pause.addEventListener("click", function () {
        paused = !paused;
        pause.setAttribute("aria-pressed", paused ? "true" : "false");
        pause.textContent = pause.getAttribute(paused ? "data-label-resume" : "data-label-pause");
        if (paused) {
          setState(log.getAttribute("data-msg-paused"), "warn");
        } else {
          held.splice(0).forEach(add);
          setState(log.getAttribute("data-msg-open"), "ok");
        }
      });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        while (log.firstChild) { log.removeChild(log.firstChild); }
        held = [];
      });
    }
    if (times) {
      times.addEventListener("change", function () { log.classList.toggle("hide-times", !times.checked); });
    }
  }
  function find() { start(document.getElementById("console-log")); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", find);
  } else {
    find();
  }
  document.addEventListener("htmx:afterSettle", find);
})();
