"""What the app's screens need from the server's configuration: the base map's tiles."""

from __future__ import annotations

from urllib.parse import urlsplit

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from server.accounts.auth import login_required
from server.core.api import BEARER

blp = Blueprint("settings", __name__, description="Settings the app's screens read")


class MapSchema(ma.Schema):
    url = ma.fields.String(allow_none=True, metadata={"description": "tile URL template"})
    subdomains = ma.fields.String()
    attribution = ma.fields.String()
    max_zoom = ma.fields.Integer()


class SettingsSchema(ma.Schema):
    map = ma.fields.Nested(MapSchema)


def tile_origin(url: str) -> str | None:
    """The origin the page loads tiles from, for the CSP's img-src: ``{s}`` in the host is
    any subdomain."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:  # another placeholder in the host: the page could not name it
        return None
    if "*" in host and not host.startswith("*."):
        host = "*." + host.split(".", 1)[1] if "." in host else host
    return f"{parts.scheme}://{host}"


@blp.route("/settings")
@login_required
@blp.response(200, SettingsSchema)
@blp.doc(security=BEARER)
def settings():
    config = current_app.config
    return {
        "map": {
            "url": config["MAP_TILE_URL"] or None,
            "subdomains": config["MAP_TILE_SUBDOMAINS"] or "abc",
            "attribution": config["MAP_TILE_ATTRIBUTION"],
            "max_zoom": config["MAP_MAX_ZOOM"],
        }
    }
