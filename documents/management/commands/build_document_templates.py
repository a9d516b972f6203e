from django.core.management.base import BaseCommand

from documents.builder import write_defaults
from documents.registry import KINDS


class Command(BaseCommand):
    help = "Write the default .docx template of every document type into documents/default_templates/."

    def handle(self, *args, **options):
        for path in write_defaults(KINDS.values()):
            self.stdout.write(str(path.name))
