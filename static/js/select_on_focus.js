/* A field marked data-select-on-focus selects its whole value when it gets the focus (the new
   API token on templates/advocacy/account/api_tokens.html): copying it is one keystroke. An
   event listener, not an onfocus attribute, so the Content-Security-Policy needs no
   'unsafe-inline'. */
(function () {
  "use strict";
  if (window.chorusSelectOnFocus) { return; }
  window.chorusSelectOnFocus = true;
  function selectIfMarked(field) {
    if (field && field.hasAttribute && field.hasAttribute("data-select-on-focus")) {
      field.select();
    }
  }
  document.addEventListener("focusin", function (event) { selectIfMarked(event.target); });
  // The script is deferred: a field focused before it ran is selected now.
  selectIfMarked(document.activeElement);
})();
