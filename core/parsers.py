"""Request body parsing for the API: JSON whose nesting is bounded.

Python's JSON decoder recurses once per level, so a body nested a thousand levels deep ends in
RecursionError (a 500) before any serializer sees it; one nested a few hundred levels deep parses,
then costs every walker of the data. No input of this API goes deeper than a few levels: a body
nested deeper than MAX_DEPTH is refused as a parse error (400), before the view runs."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def depth_exceeds(data, limit: int) -> bool:
    """Whether lists and objects in `data` nest deeper than `limit` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 to a body nested deeper than MAX_DEPTH."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = depth_exceeds(data, self.max_depth)
        if too_deep:
            raise ParseError(_("The JSON body is nested more than %(limit)d levels deep.") % {"limit": self.max_depth})
        return data
