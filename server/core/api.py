"""The JSON API under /api/v1/: flask-smorest documents every view from its marshmallow
schemas (OpenAPI at /api/v1/openapi.json) and this module makes every error one shape:

    {"error": "unprocessable_entity", "message": "...", "fields": {"lat": ["..."]}}
"""

from __future__ import annotations

import functools

import marshmallow as ma
import sqlalchemy as sa
from flask import Request, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api as _Api
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/v1"
BEARER = [{"bearer": []}]  # the OpenAPI security requirement of every logged-in endpoint


class ErrorSchema(ma.Schema):
    error = ma.fields.String(metadata={"description": "Machine-readable error code"})
    message = ma.fields.String(metadata={"description": "What went wrong, for a person"})
    fields = ma.fields.Dict(
        metadata={"description": "Field name → list of problems with that field"}
    )


class DomainError(Exception):
    """Raised by domain code; the API turns it into a JSON error response."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields or {}


# No body the API takes nests deeper than a handful of levels (a push: batch, mutation,
# payload, a field's object). Deeper is an attack: 50,000 ``[`` was a RecursionError in the
# parser (500), and a few hundred parse but recurse wherever the value goes next.
MAX_JSON_DEPTH = 32


def _nested_deeper_than(value, limit: int) -> bool:
    """Whether ``value`` has containers more than ``limit`` deep (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing a document nested deeper than MAX_JSON_DEPTH as not JSON."""

    def loads(self, s, **kwargs):
        too_deep = ValueError(f"nested more than {MAX_JSON_DEPTH} deep")
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise too_deep from None
        if isinstance(value, dict | list) and _nested_deeper_than(value, MAX_JSON_DEPTH):
            raise too_deep
        return value


class JSONRequest(Request):
    """A body that is not JSON the API can read is a 400 naming the body, with the reason."""

    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:
            return super().on_json_loading_failed(e)
        raise DomainError(
            "The request body is not valid JSON",
            fields={"body": [f"not valid JSON: {e}"]},
        )


def _flatten_locations(messages: dict) -> dict:
    """webargs reports {"json": {"lat": [...]}}; the client wants {"lat": [...]}."""
    fields: dict = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            fields.update(errors)
        elif location == "json":  # the body is not JSON at all
            fields["body"] = ["not valid JSON"]
        else:
            fields[location] = errors
    return fields


@functools.cache
def _query_parameters(view) -> frozenset[str]:
    """The query parameters ``view`` documents: its query schemas' and its pagination's."""
    doc = getattr(view, "_apidoc", {})
    arguments = doc.get("arguments", {}).get("parameters", ())
    schemas = [p["schema"] for p in arguments if p["in"] == "query"]
    if "pagination" in doc:
        schemas.append(doc["pagination"]["parameters"]["schema"])
    names: set[str] = set()
    for schema in schemas:
        fields = (schema() if isinstance(schema, type) else schema).fields
        names.update(f.data_key or name for name, f in fields.items() if not f.dump_only)
    return frozenset(names)


def refuse_unknown_query_parameters():
    """A query parameter the route does not document is refused by name on every API route
    (a misspelt ``form=`` answered as if no period were asked for would mislead), here once
    rather than by each route's schema: webargs drops unknown query parameters by default,
    and a route with no query schema, or a paginated one, never saw them at all."""
    if request.url_rule is None or not request.path.startswith(API_PREFIX):
        return
    view = current_app.view_functions[request.url_rule.endpoint]
    unknown = sorted(set(request.args) - _query_parameters(view))
    if unknown:
        abort(422, errors={"query": {name: ["Unknown field."] for name in unknown}})


def _not_kept_or_sniffed(response):
    """API answers carry personal data: no cache (a shared browser, a proxy) keeps one unless
    its route says otherwise (the public workflow revalidates, a thumbnail may stay in the
    browser's private cache), and no browser reads one as anything but its declared type."""
    if request.path.startswith(API_PREFIX):
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


class Api(_Api):
    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        app.before_request(refuse_unknown_query_parameters)
        app.after_request(_not_kept_or_sniffed)

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(DomainError, self.handle_domain_error)
        self._app.register_error_handler(sa.exc.OperationalError, self.handle_busy_database)

    def handle_http_exception(self, error: HTTPException):
        payload = {
            "error": (error.name or "error").lower().replace(" ", "_"),
            "message": error.description if error.code != 500 else "Internal server error",
        }
        headers = {}
        data = getattr(error, "data", None) or {}
        if "message" in data:
            payload["message"] = data["message"]
        messages = data.get("errors") or data.get("messages")
        if messages:
            payload["fields"] = _flatten_locations(messages)
            if payload["fields"].get("body") == ["not valid JSON"]:
                payload["message"] = "The request body is not valid JSON"
            elif error.code == 422:
                payload["message"] = "Some fields are invalid: " + ", ".join(
                    sorted(payload["fields"])
                )
        if "headers" in data:
            headers = data["headers"]
        response = jsonify(payload)
        response.status_code = error.code or 500
        response.headers.update(headers)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    def handle_busy_database(self, error: sa.exc.OperationalError):
        """A write that waited too long for the database (SQLite's lock, a PostgreSQL
        deadlock) changed nothing: tell the device to retry instead of failing it."""
        from server.core.db import db

        db.session.rollback()
        message = str(error.orig).lower()
        if not any(s in message for s in ("database is locked", "deadlock", "could not serialize")):
            raise error
        response = jsonify({"error": "busy", "message": "The server is busy; retry shortly."})
        response.status_code = 503
        response.headers["Retry-After"] = "2"
        return response

    def handle_domain_error(self, error: DomainError):
        payload = {"error": error.code, "message": error.message}
        if error.fields:
            payload["fields"] = error.fields
        response = jsonify(payload)
        response.status_code = error.status
        return response


api = Api()
