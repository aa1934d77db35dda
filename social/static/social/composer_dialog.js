/* The feed's composer dialog (templates/social/shares/_composer_dialog.html): a card's
   Share button loads the composer into the dialog (htmx); this opens it and moves the
   focus to the composer's heading. */
(function () {
  "use strict";
  if (window.chorusComposerDialog) { return; }
  window.chorusComposerDialog = true;
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target || event.target.id !== "composer-dialog-body") { return; }
    var dialog = document.getElementById("composer-dialog");
    if (dialog && !dialog.open) { dialog.showModal(); }
    var heading = event.target.querySelector("h2");
    if (heading) { heading.focus(); }
  });
})();
