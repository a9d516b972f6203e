"""Serving stored uploads (evidence) once the caller has checked access."""

from django.http import FileResponse, Http404

INLINE_EXTENSIONS = (".jpg", ".jpeg", ".png")


def stored_file_response(field_file, name: str) -> FileResponse:
    """Photos open in the browser; every other file downloads (never rendered inline from our origin).
    A record that outlived its file (media not restored) is a 404, not a 500."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=not name.lower().endswith(INLINE_EXTENSIONS), filename=name)
