/* Kỷ Cương — the little the pages need from a script; every page also works without it. */
(function () {
  "use strict";

  /* An irreversible step asks first: a form whose submit button (or the form itself) carries
     data-confirm is sent only once the user agrees. Capture phase, so htmx never sees a refused one. */
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* On a phone the menu folds behind one button. Without this script the menu simply stays open. */
  function setUpMenu() {
    var bar = document.querySelector(".topbar");
    var toggle = bar && bar.querySelector(".menu-toggle");
    if (!toggle) return;
    bar.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  /* On a phone a table row becomes a card of lines; each cell is labelled with its column's
     heading (shown by app.css), so "67,53" reads "Điểm: 67,53". Rows swapped in by htmx too. */
  function labelCells() {
    document.querySelectorAll("table.table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var label = heads[index] && heads[index].textContent.trim();
          if (cell.tagName === "TD" && label && label !== "#" && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", label);
          }
        });
      });
    });
  }

  function setUp() {
    setUpMenu();
    labelCells();
  }
  document.addEventListener("htmx:afterSwap", labelCells);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
