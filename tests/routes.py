"""The routes of the URL configuration, for the tests that must cover every one of them."""

from django.urls import URLPattern, URLResolver, get_resolver


def all_routes(patterns=None, prefix: str = ""):
    """Every route as written in the URL configuration (e.g. "tasks/<int:pk>/"), includes expanded."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from all_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route
