/* The top bar's menu button (templates/base.html). Loaded in <head> without "defer" so the
   "js" class is on <html> before the first paint: without this script (or without
   JavaScript) the CSS shows the whole navigation, wrapped, at every width; with it, screens
   under 700 px show a "Menu" button that opens and closes it (aria-expanded). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  if (window.chorusNav) { return; }
  window.chorusNav = true;

  function toggleOf(el) { return el && el.closest ? el.closest("[data-nav-toggle]") : null; }

  function setOpen(button, open) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (menu) { menu.classList.toggle("is-open", open); }
  }

  document.addEventListener("click", function (event) {
    var button = toggleOf(event.target);
    if (button) {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
      return;
    }
    // A click outside an open <details> menu closes it, as native menus do.
    document.querySelectorAll("details.menu[open]").forEach(function (details) {
      if (!details.contains(event.target)) { details.open = false; }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var openDetails = event.target.closest ? event.target.closest("details.menu[open]") : null;
    if (openDetails) {
      openDetails.open = false;
      openDetails.querySelector("summary").focus();
      return;
    }
    var button = document.querySelector('[data-nav-toggle][aria-expanded="true"]');
    if (button) {
      setOpen(button, false);
      button.focus();
    }
  });
})();
