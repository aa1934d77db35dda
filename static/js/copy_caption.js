/* "Copy caption and link" buttons (templates/content_library/item_detail.html). A button
   names the element holding the caption (data-copy) and the link to add (data-link); its
   messages come translated in data-msg-* attributes. A caption whose live check has a
   "Must fix" finding is not copied. Forms marked data-no-submit never submit. */
(function () {
  "use strict";
  if (window.chorusCopyCaption) { return; }
  window.chorusCopyCaption = true;

  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-no-submit")) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var btn = event.target.closest("[data-copy]");
    if (!btn) { return; }
    var src = document.getElementById(btn.dataset.copy);
    if (!src) { return; }
    var status = btn.parentNode.querySelector("[role=status]");
    function say(text) { if (status) { status.textContent = text; } }
    var checked = document.querySelector("#" + btn.dataset.copy + "-findings [data-blocking]");
    if (checked && checked.dataset.blocking === "true") {
      say(btn.dataset.msgBlocked);
      return;
    }
    var text = (src.value !== undefined ? src.value : src.textContent).trim();
    if (btn.dataset.link && text.indexOf(btn.dataset.link) === -1) { text += "\n\n" + btn.dataset.link; }
    function fallback() {
      var ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("aria-label", btn.dataset.msgLabel);
      ta.rows = 5;
      ta.className = "cl-copy-fallback";
      btn.parentNode.after(ta);
      ta.focus();
      ta.select();
      say(btn.dataset.msgSelect);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say(btn.dataset.msgCopied); }, fallback);
    } else {
      fallback();
    }
  });
})();
