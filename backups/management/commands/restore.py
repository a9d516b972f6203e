from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups import archive


class Command(BaseCommand):
    help = ("Replace the database and the uploaded files with those of a backup archive. Stop the "
            "application servers and the scheduler first.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask; everything now stored is replaced")

    def handle(self, *args, **options):
        path, yes = options["archive"], options["yes"]
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        if not yes and input(f"Replace ALL data with {path.name}? Type 'yes': ").strip() != "yes":
            raise CommandError("Nothing was changed.")
        try:
            manifest = archive.restore(path)
        except archive.BackupError as refused:
            raise CommandError(f"{refused} Nothing was changed.") from None
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest['created_at']}: database and {len(manifest['media'])} media files."))
        pending = archive.migrations_to_apply(manifest)
        if pending:
            self.stdout.write(self.style.WARNING(
                f"The backup is older than this code: run `manage.py migrate` ({len(pending)} migrations) before starting."))

