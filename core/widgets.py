"""Date and date-time inputs that do not follow the browser's locale.

A native `<input type="date">` shows mm/dd/yyyy and AM/PM on an English Windows. These are text
inputs in dd/mm/yyyy (and "HH:MM dd/mm/yyyy", 24-hour) that static/js/datepicker.js turns into a
flatpickr calendar (static/vendor/flatpickr, Vietnamese labels); they post exactly what they show,
which DATE_INPUT_FORMATS and DATETIME_INPUT_FORMATS accept. Without JavaScript they are plain
text fields in the same format.
"""

from django import forms

from core import dates


class DatePickerInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"data-datepicker": "date", "placeholder": "dd/mm/yyyy", "autocomplete": "off",
                 "inputmode": "numeric", "size": 10, **(attrs or {})}
        super().__init__(attrs=attrs, format=dates.DATE)


class DateTimePickerInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"data-datepicker": "datetime", "placeholder": "hh:mm dd/mm/yyyy", "autocomplete": "off",
                 "inputmode": "numeric", "size": 16, **(attrs or {})}
        super().__init__(attrs=attrs, format=dates.DATETIME)
