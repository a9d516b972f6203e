"""The shape every domain app shares, checked on the code itself: an API action is a class a
reader finds by its name, and records get their codes from the sequence, never a placeholder."""

import inspect
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ["tasks", "inspections", "reform", "emulation", "documents", "reports"]


def _api_views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).startswith("api/v1/"):
            view_class = getattr(entry.callback, "view_class", None)
            if view_class is not None:
                yield prefix + str(entry.pattern), view_class


def test_every_api_view_is_a_class_written_in_its_app_api_module():
    views = list(_api_views())
    assert len(views) > 50
    for route, view_class in views:
        module = inspect.getmodule(view_class)
        source = Path(module.__file__).read_text()
        assert module.__name__.endswith(".api"), (route, module.__name__)
        assert re.search(rf"^class {view_class.__name__}\(", source, re.M), (
            f"{route}: {view_class.__name__} is not written as a class in {module.__name__}")


def test_no_record_is_written_with_a_placeholder_code():
    offenders = [str(path.relative_to(ROOT)) for app in DOMAIN_APPS for path in (ROOT / app).rglob("*.py")
                 if "migrations" not in path.parts and re.search(r"code=f[\"']tmp-", path.read_text())]
    assert offenders == []
