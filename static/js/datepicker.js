// Date inputs in dd/mm/yyyy and "HH:MM dd/mm/yyyy" (24-hour), whatever the browser's locale
// (config/widgets.py). Fields loaded later by htmx get their calendar too (htmx:load).
(function () {
  "use strict";
  var FORMATS = {date: "d/m/Y", datetime: "H:i d/m/Y"};
  // A whole date (or time and date) typed by hand: take it and close the calendar, which would
  // otherwise stay open over the fields and buttons below.
  var COMPLETE = {date: /^\d{2}\/\d{2}\/\d{4}$/, datetime: /^\d{1,2}:\d{2} \d{2}\/\d{2}\/\d{4}$/};

  // flatpickr's Vietnamese locale leaves the labels of its month, year, hour and minute fields English.
  var VIETNAMESE_LABELS = {monthAriaLabel: "Tháng", yearAriaLabel: "Năm", hourAriaLabel: "Giờ", minuteAriaLabel: "Phút"};

  function locale(lang) {
    var base = window.flatpickr.l10ns[lang];
    if (!base) { return "default"; }
    return lang === "vn" ? Object.assign({}, base, VIETNAMESE_LABELS) : base;
  }

  function attach(input) {
    if (input._flatpickr || !window.flatpickr) { return; }
    var kind = input.getAttribute("data-datepicker") === "datetime" ? "datetime" : "date";
    var lang = document.documentElement.lang === "vi" ? "vn" : "default";
    window.flatpickr(input, {
      dateFormat: FORMATS[kind],
      enableTime: kind === "datetime",
      time_24hr: true,
      allowInput: true,        // typing "02/12/2026" works as well as picking
      disableMobile: true,     // a phone's native picker would follow its locale again
      locale: locale(lang)
    });
    input.addEventListener("input", function () {
      var picker = input._flatpickr;
      if (picker && COMPLETE[kind].test(input.value.trim())) {
        picker.setDate(input.value.trim(), false, picker.config.dateFormat);
        picker.close();
      }
    });
  }

  function attachAll(root) {
    var inputs = (root || document).querySelectorAll("input[data-datepicker]");
    for (var i = 0; i < inputs.length; i++) { attach(inputs[i]); }
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  document.addEventListener("htmx:load", function (event) { attachAll(event.target); });
})();
