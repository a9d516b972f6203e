"""The one way to choose a person on a form: a search box that ignores diacritics, whose answers
show each person's position, unit and code (homonyms told apart), in Vietnamese order.

The field keeps its value and its validation (a ModelChoiceField's scoped queryset, or the view's
own check); the widget only renders the search box, the person already chosen, and the place where
`search_url` answers with `accounts/_person_choices.html` (radio buttons named like the field).
"""

from django import forms


class PersonPicker(forms.Widget):
    template_name = "accounts/widgets/person_picker.html"

    def __init__(self, attrs=None, *, search_url: str = "", people=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.people = people  # who may be shown as already chosen; a ModelChoiceField's queryset by default

    def _known_people(self):
        if self.people is not None:
            return self.people
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        return queryset

    def chosen(self, value):
        people = self._known_people()
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        return people.select_related("unit").filter(pk=pk).first() if people is not None else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = self.chosen(value)
        context["widget"].update(search_url=self.search_url, chosen=chosen, chosen_list=[chosen] if chosen else [])
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data
