/* Django admin: the autocomplete widget (select2) draws a combobox named by its selection, so an
 * empty one has no accessible name (axe aria-input-field-name). Name each after its field's label. */
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll(".select2-container").forEach(function (container) {
      var select = container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (!label) return;
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (box) {
        if (!box.getAttribute("aria-label")) box.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      });
    });
  }
  window.addEventListener("load", function () {
    name(document);
    new MutationObserver(function () { name(document); }).observe(document.body, { childList: true, subtree: true });
  });
})();
