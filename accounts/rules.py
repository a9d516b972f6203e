"""What this app lists on the page of rules in force (core.rulebook): an organisation's own
regulations, which its local rules cite."""

from accounts.models import LocalRegulation
from core import rulebook

rulebook.register(LocalRegulation, basis=(), organisation_field="organisation_id")
