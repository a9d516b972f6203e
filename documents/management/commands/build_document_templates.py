from django.core.management.base import BaseCommand

from documents.builder import write_defaults
from documents.registry import KINDS


class Command(BaseCommand):
    help = ("Write the default .docx template of every document type (or of the types named) into "
            "documents/default_templates/.")

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="document types, e.g. task-report (default: all)")

    def handle(self, *args, **options):
        kinds = [KINDS[key] for key in options["kinds"]] if options["kinds"] else KINDS.values()
        for path in write_defaults(kinds):
            self.stdout.write(str(path.name))
