"""Errors that services raise and that every interface (pages, API) maps the same way."""


class ConflictError(Exception):
    """The action does not fit the object's current state, or someone else acted first.

    The API answers 409; pages show the message and keep what the user typed.
    """

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code
