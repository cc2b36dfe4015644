// The portal's own few lines of script. Everything works without it; it
// opens confirmation dialogs and keeps focus sensible after htmx swaps.
(function () {
  "use strict";
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
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail.elt;
    if (form && form.hasAttribute && form.hasAttribute("data-once") && !ev.detail.successful) {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    }
  });
})();
