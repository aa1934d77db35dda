/* One-click fixes of the live caption checker (templates/guidelines/_caption_checker.html).
   Offsets come from the server in UTF-16 code units, as JavaScript strings count them. */
(function () {
  "use strict";
  if (window.chorusCaptionChecker) { return; }
  window.chorusCaptionChecker = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-caption-fix]");
    if (!button) { return; }
    var textarea = document.getElementById(button.dataset.target);
    if (!textarea) { return; }
    var start = parseInt(button.dataset.start, 10);
    var end = parseInt(button.dataset.end, 10);
    var value = textarea.value;
    if (value.slice(start, end) === button.dataset.original) {
      var suggestion = button.dataset.suggestion;
      textarea.value = value.slice(0, start) + suggestion + value.slice(end);
      var caret = start + suggestion.length;
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
    }
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    if (window.htmx) { window.htmx.trigger(textarea, "caption-fixed"); }
  });
})();
