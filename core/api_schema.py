"""The OpenAPI schema's generator (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]). Kept apart from
core.api, which DRF imports while its own generic views are still loading."""

from drf_spectacular import openapi


_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
ERROR_RESPONSES = {
    "400": ("The request is invalid: messages by field name (`non_field_errors` for the whole)"
            " or a `detail`.", {"type": "object", "additionalProperties": True}),
    "401": ("Not signed in, or the session has ended.", _DETAIL),
    "403": ("Signed in but not allowed, or the two-step sign-in is not finished.", _DETAIL),
    "404": ("No such record, or one outside the caller's scope (the two are not told apart).", _DETAIL),
    "409": ("The record changed state meanwhile (another user acted first); nothing was done.",
            {**_DETAIL, "properties": {**_DETAIL["properties"], "code": {"type": "string"}}}),
    "429": ("Too many requests; try again later.", _DETAIL),
}
WRITE_ONLY_ERRORS = {"409"}


class AutoSchema(openapi.AutoSchema):
    """Documents, for every operation, the errors it can answer with and their bodies (as
    core.api.exception_handler and the sign-in middlewares give them), so that clients — and the
    API fuzzing test — can check every answer against the schema."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, (description, schema) in ERROR_RESPONSES.items():
            if code in WRITE_ONLY_ERRORS and self.method in ("GET", "HEAD", "OPTIONS"):
                continue
            responses.setdefault(code, {
                "description": description, "content": {"application/json": {"schema": schema}},
            })
        return responses


# Raw schemas for extend_schema_field on method fields that return plain lists of dicts.
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}


def list_of(properties: dict) -> dict:
    return {"type": "array", "items": {"type": "object", "properties": properties, "required": list(properties)}}
