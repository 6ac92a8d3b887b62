"""fieldcase: the sync server (app factory).

flask --app server run
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from cryptography.utils import CryptographyDeprecationWarning
from flask import Flask
from werkzeug.routing import BaseConverter

from server.core import config as configuration
from server.core import proxies
from server.core.api import JSONRequest
from server.core.jsonout import JSONProvider

# pyHanko (the documents' seal, the audit chain's time stamps) imports cryptography's DSA key
# type, which cryptography 51 deprecates: a warning about pyHanko's imports on every worker's
# start, not about anything signed here (no DSA key is made or read). Log lines stay JSON.
warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning, module=r"pyhanko\.")


class _App(Flask):
    """Flask, reading request bodies as JSON the API can take (server.core.api) and writing
    responses through orjson (server.core.jsonout)."""

    json_provider_class = JSONProvider
    request_class = JSONRequest


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = _App(__name__, instance_relative_config=True)
    app.config.from_mapping(configuration.from_environment(app.instance_path))
    app.config.update(
        API_TITLE="fieldcase API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = configuration.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )

    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = proxies.TrustedProxies(
            app.wsgi_app,
            app.config["TRUSTED_PROXIES"],
            proxies.networks(app.config["TRUSTED_PROXY_ADDRESSES"]),
        )

    _init_observability(app)
    # Before the limiter's hooks, which read the login's username from the body.
    app.before_request(_bodies_are_json)
    _init_extensions(app)
    _register_api(app)

    from server import cli

    cli.register(app)
    return app


def _init_observability(app: Flask) -> None:
    """Logs, request ids and metrics, first: the other extensions' hooks then run inside a
    request that already has its id."""
    from server.core import access, logs, metrics

    logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    access.init_app(app)
    app.register_blueprint(metrics.blp)  # /metrics: outside the API and its OpenAPI document


def _init_extensions(app: Flask) -> None:
    from server.core.db import configure_postgresql, configure_sqlite, db, engine_options
    from server.core.limits import limiter

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif db.engine.dialect.driver == "psycopg":
            configure_postgresql(db.engine)
    limiter.init_app(app)

    from server.evidence.storage import store_from_config

    app.extensions["evidence_store"] = store_from_config(app.config)


def _register_api(app: Flask) -> None:
    from server.accounts.api import blp as accounts_blp
    from server.cases.api import blp as cases_blp
    from server.cases.eservice import blp as eservice_blp
    from server.cases.files import blp as collaboration_files_blp
    from server.cases.offline import blp as offline_documents_blp
    from server.cases.party_copies import blp as party_copies_blp
    from server.catalogue.api import blp as catalogue_blp
    from server.catalogue.calendar import blp as calendar_blp
    from server.clues.api import blp as clues_blp
    from server.console.api import blp as console_blp
    from server.core.api import API_PREFIX, api
    from server.core.health import blp as health_blp
    from server.core.settings import blp as settings_blp
    from server.evidence.api import blp as evidence_blp
    from server.evidence.bodycam_api import blp as bodycam_blp
    from server.evidence.tus import blp as uploads_blp
    from server.inspections.api import blp as inspections_blp
    from server.sync_api.api import blp as sync_blp
    from server.units.api import blp as units_blp

    app.url_map.converters["code"] = CodeConverter
    api.init_app(app)
    api.register_converter(
        CodeConverter, lambda _converter: {"type": "string", "pattern": CodeConverter.regex}
    )
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    blueprints = (
        health_blp,
        accounts_blp,
        units_blp,
        catalogue_blp,
        calendar_blp,
        clues_blp,
        sync_blp,
        evidence_blp,
        uploads_blp,
        bodycam_blp,
        cases_blp,
        collaboration_files_blp,
        offline_documents_blp,
        party_copies_blp,
        eservice_blp,
        console_blp,
        inspections_blp,
        settings_blp,
    )
    for blp in blueprints:
        api.register_blueprint(blp, url_prefix=API_PREFIX + (blp.url_prefix or ""))

    from server.core.tiles import blp as tiles_blp
    from server.web import blp as web_blp

    app.register_blueprint(tiles_blp)  # the built-in base map's tiles: /tiles/{z}/{x}/{y}.png
    app.register_blueprint(web_blp)  # the field app, outside the API and its OpenAPI document


class CodeConverter(BaseConverter):
    """Unit and matter codes in URLs: letters, digits and ``_ . -``. Anything else (a NUL,
    which PostgreSQL cannot even compare) is no such page: 404 before any query."""

    regex = r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}"


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# Paths whose bodies are bytes, not JSON: tus uploads, a register workbook (.xlsx), and a
# file attached to a collaboration request.
BYTE_BODIES = ("/api/v1/uploads", "/api/v1/inspection-objects/import")
BYTE_BODY_PATHS = re.compile(r"^/api/v1/collaborations/[0-9a-fA-F-]{36}/files$")


def _bodies_are_json():
    """A body the API cannot read is refused as such, not as every field "missing"; one
    that is not JSON, or nests too deeply, is refused here once (JSONRequest), before any
    view or limit reads it."""
    from flask import request

    from server.core.api import API_PREFIX, DomainError

    if not (
        request.method in _WRITES
        and request.path.startswith(API_PREFIX)
        and not request.path.startswith(BYTE_BODIES)
        and not BYTE_BODY_PATHS.match(request.path)
        and (request.content_length or 0) > 0
    ):
        return
    if request.is_json:
        request.get_json()  # cached for the view and the limits
    else:
        raise DomainError(
            "The request body must be JSON (Content-Type: application/json)",
            code="unsupported_media_type",
            status=415,
            fields={"body": ["must be JSON"]},
        )
