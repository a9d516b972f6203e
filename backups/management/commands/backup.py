from pathlib import Path

from django.core.management.base import BaseCommand

from backups import archive


class Command(BaseCommand):
    help = "Back up the whole system (database and uploaded files) into one archive, while it runs."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where to write kycuong-backup-<time>.tar.gz")

    def handle(self, *args, directory, **options):
        path = archive.create(directory)
        manifest = archive.read_manifest(path)
        self.stdout.write(self.style.SUCCESS(
            f"{path} ({path.stat().st_size:,} bytes): {manifest['engine']} database, {len(manifest['media'])} media files"))
