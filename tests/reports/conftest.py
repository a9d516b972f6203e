from tests.emulation.conftest import period, secretary  # noqa: F401 (shared fixtures)
from tests.inspections.conftest import inspectorate, make_inspection, record  # noqa: F401 (shared fixtures)
from tests.tasks.conftest import make_task  # noqa: F401 (shared fixture)
