/* The live caption checker (templates/guidelines/_caption_checker.html): one-click fixes,
   and "Add #hashtag" at the caret or at the end of the text, never inside a word.
   Offsets come from the server in UTF-16 code units, as JavaScript strings count them.
   Every change this script makes to a caption is announced with "input" and "change"
   events, so the checker (hx-trigger="input changed ..., change changed") and the
   composer's preview and buttons follow it exactly as they follow typing, pasting,
   dropping or autofill. The server checks again on submit. */
(function () {
  "use strict";
  if (window.chorusCaptionChecker) { return; }
  window.chorusCaptionChecker = true;

  var WORD = /[\p{L}\p{N}\p{M}_#@]/u;
  var SPACE = /\s/;

  /* The caret each caption had when it last lost focus, with the text it belonged to:
     clicking a fix button moves the focus away, and a caret is only meaningful for the
     text it was placed in (a picked suggestion or a server fix replaces the text). */
  document.addEventListener("focusout", function (event) {
    var ta = event.target;
    if (!ta || ta.tagName !== "TEXTAREA" || !ta.closest(".caption-checker")) { return; }
    ta.chorusCaret = { start: ta.selectionStart, end: ta.selectionEnd, value: ta.value };
  });

  /* Where an added text goes: the caret the member left in this very text (or the end of
     the selection), moved to the end of the word it is in; otherwise the end. */
  function insertionPoint(textarea) {
    var value = textarea.value;
    var caret = textarea.chorusCaret;
    var pos = value.length;
    if (document.activeElement === textarea) {
      pos = textarea.selectionEnd;
    } else if (caret && caret.value === value) {
      pos = caret.end;
    }
    while (pos > 0 && pos < value.length && WORD.test(value.charAt(pos - 1)) && WORD.test(value.charAt(pos))) {
      pos += 1;
    }
    return pos;
  }

  function setCaption(textarea, value, caret) {
    textarea.value = value;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.chorusCaret = { start: caret, end: caret, value: value };
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function addText(textarea, text) {
    var value = textarea.value;
    var pos = insertionPoint(textarea);
    var before = pos > 0 && !SPACE.test(value.charAt(pos - 1)) ? " " : "";
    var after = pos < value.length && !SPACE.test(value.charAt(pos)) ? " " : "";
    var inserted = before + text + after;
    setCaption(textarea, value.slice(0, pos) + inserted + value.slice(pos), pos + before.length + text.length);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-caption-fix]");
    if (!button) { return; }
    var textarea = document.getElementById(button.dataset.target);
    if (!textarea) { return; }
    var suggestion = button.dataset.suggestion || "";
    if (button.dataset.fixKind === "required_text") {
      addText(textarea, suggestion.trim());
      return;
    }
    var start = parseInt(button.dataset.start, 10);
    var end = parseInt(button.dataset.end, 10);
    var value = textarea.value;
    if (value.slice(start, end) === button.dataset.original) {
      setCaption(textarea, value.slice(0, start) + suggestion + value.slice(end), start + suggestion.length);
    } else {
      // The text moved on since the check: ask again rather than fix the wrong place.
      textarea.dispatchEvent(new Event("caption-fixed", { bubbles: true }));
    }
  });
})();
