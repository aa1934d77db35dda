/* The share composer (templates/social/_composer.html): live previews, suggested-caption
   pickers, read-only captions, and the Share buttons disabled while a chosen network's
   caption has a blocking guideline finding. The server checks everything again. */
(function () {
  "use strict";

  function composerOf(el) { return el && el.closest ? el.closest("[data-composer]") : null; }

  function blockingIn(target) {
    var result = target.querySelector(".caption-findings-result");
    return !!result && result.getAttribute("data-blocking") === "true";
  }

  function update(composer) {
    if (!composer) { return; }
    var chosenBlocked = false, anyBlocked = false, anyChosen = false;
    composer.querySelectorAll("[data-target-key]").forEach(function (target) {
      var toggle = target.querySelector("[data-target-toggle]");
      if (!toggle) { return; }
      var blocked = blockingIn(target);
      if (blocked) { anyBlocked = true; }
      if (toggle.checked) {
        anyChosen = true;
        if (blocked) { chosenBlocked = true; }
      }
    });
    composer.querySelectorAll("[data-share-submit]").forEach(function (button) {
      var blocked = button.hasAttribute("data-share-all") ? anyBlocked : chosenBlocked;
      button.disabled = blocked;
      button.setAttribute("aria-disabled", blocked ? "true" : "false");
    });
    var note = composer.querySelector("[data-share-blocked]");
    if (note) { note.hidden = !(chosenBlocked || anyBlocked); }
  }

  function init(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-composer]").forEach(function (composer) {
      composer.querySelectorAll("[data-caption-readonly] textarea").forEach(function (ta) {
        ta.readOnly = true;
      });
      update(composer);
    });
    if (root.matches && root.matches("[data-composer]")) { update(root); }
  }

  if (window.chorusComposer) { init(document); return; }
  window.chorusComposer = true;

  /* The preview follows every change of a caption: typing, paste, drag and drop, autofill
     ("input"; some autofills only send "change"), and our own scripts, which announce the
     values they set with the same events. */
  function previewFollows(event) {
    var ta = event.target;
    if (!ta || ta.tagName !== "TEXTAREA" || !composerOf(ta)) { return; }
    var preview = composerOf(ta).querySelector('[data-preview-of="' + ta.id + '"]');
    if (preview) { preview.textContent = ta.value; }
  }
  document.addEventListener("input", previewFollows);
  document.addEventListener("change", previewFollows);
  document.addEventListener("change", function (event) {
    var el = event.target;
    var composer = composerOf(el);
    if (!composer) { return; }
    if (el.hasAttribute("data-caption-alternatives")) {
      var ta = document.getElementById(el.getAttribute("data-target"));
      if (ta) {
        ta.value = el.value;
        // "input" for the preview and the checker's debounce, "change" to check at once.
        ta.dispatchEvent(new Event("input", { bubbles: true }));
        ta.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    update(composer);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var composer = composerOf(event.target);
    if (composer) { update(composer); }
  });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  init(document);
})();
