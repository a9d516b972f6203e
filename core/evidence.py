"""Evidence files: size, type and content (magic bytes) checked before anything is stored."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension -> accepted leading bytes
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": _ZIP, ".xlsx": _ZIP, ".pptx": _ZIP, ".odt": _ZIP, ".ods": _ZIP,
    ".doc": _OLE, ".xls": _OLE,
}


def validate_evidence_files(files) -> None:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)d files at a time.") % {"n": MAX_FILES}})
    for upload in files:
        name = upload.name or ""
        extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if extension not in SIGNATURES:
            raise ValidationError({"files": _("%(name)s: only PDF, images (PNG, JPEG) and office documents are accepted.")
                                   % {"name": name}})
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError({"files": _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": MAX_FILE_BYTES // 2**20}})
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
            raise ValidationError({"files": _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension}})
