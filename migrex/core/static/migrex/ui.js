/* migrex: the few behaviours htmx does not give. No external code. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      var row = remove.closest("[data-row]");
      if (row) row.remove();
      return;
    }
    var close = event.target.closest("[data-close]");
    if (close) {
      var panel = close.closest("#action-form, #danger-form");
      if (panel) {
        event.preventDefault();
        panel.innerHTML = "";
        markActive(null);
      }
    }
  });

  function markActive(button) {
    document.querySelectorAll(".action-buttons .btn, .next-moves .btn").forEach(function (b) {
      b.classList.toggle("is-active", b === button);
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    if (source && source.closest && source.closest(".action-buttons, .next-moves")) markActive(source);
  });

  function focusProblems(root) {
    var box = root && root.querySelector ? root.querySelector("#problems") : null;
    if (box) {
      box.focus();
      return true;
    }
    return false;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (focusProblems(target.parentNode || target)) return;
    if (target.id === "action-form" || target.id === "danger-form") {
      var first = target.querySelector("textarea, input:not([type=hidden]), select");
      target.scrollIntoView({ behavior: "smooth", block: "nearest" });
      if (first) first.focus({ preventScroll: true });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusProblems(document);
  });
})();
