"""The product's settings with the harness's URL configuration, which adds the bare yardstick views
(tests/bench/ceiling.py) to the product's URLs. Only the harness uses it."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
