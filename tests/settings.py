"""Test settings: the real settings with fast hashing and in-memory e-mail."""

import os

# Real environment variables win; a developer's .env (DEBUG=true) must not leak into tests.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "false")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# One media folder per database: the SQLite and PostgreSQL runs go side by side, and each run's
# orphan-file sweep must see only its own files.
MEDIA_ROOT = BASE_DIR / "test-artifacts" / f"media-{DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"  # noqa: F405
STATIC_ROOT = BASE_DIR / "test-artifacts" / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve from the app folders; tests do not run collectstatic
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
