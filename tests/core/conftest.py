import io

import pytest
from django.core.management import call_command

from emulation.models import Period


@pytest.fixture
def demo(django_capture_on_commit_callbacks) -> Period:
    """The demo province (seed_demo, its notifications sent), as its emulation period."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    return Period.objects.get()
