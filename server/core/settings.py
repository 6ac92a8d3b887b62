"""What the app's screens need from the server's configuration: the base map's tiles."""

from __future__ import annotations

from urllib.parse import urlsplit

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.core import tiles
from server.core.api import BEARER

blp = Blueprint("settings", __name__, description="Settings the app's screens read")


class AreaSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "the unit whose box it is"})
    name = ma.fields.String()
    bbox = ma.fields.List(ma.fields.Float(), metadata={"description": "[west, south, east, north]"})


class OfflineSchema(ma.Schema):
    limit_mb = ma.fields.Float(metadata={"description": "what a phone may keep of tiles"})
    max_zoom = ma.fields.Integer()
    tile_bytes = ma.fields.Integer(metadata={"description": "a tile's mean size, for estimates"})


class MapSchema(ma.Schema):
    url = ma.fields.String(allow_none=True, metadata={"description": "tile URL template"})
    subdomains = ma.fields.String()
    attribution = ma.fields.String()
    max_zoom = ma.fields.Integer()
    native_zoom = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "the source's deepest tiles (drawn larger beyond)"},
    )
    area = ma.fields.Nested(
        AreaSchema, allow_none=True, metadata={"description": "the person's grid or township"}
    )
    offline = ma.fields.Nested(OfflineSchema)


class SettingsSchema(ma.Schema):
    map = ma.fields.Nested(MapSchema)


# A tile service's mean tile (a vector-style raster base map at street zooms), for the
# estimate before caching; the built-in package says its own.
TILE_BYTES = 20_000


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
    built_in = None if config["MAP_TILE_URL"] else tiles.metadata()
    if built_in is not None:  # no tile service configured: this server's own package
        url, attribution = tiles.TILE_URL, built_in.get("attribution", "")
        native_zoom = int(built_in.get("maxzoom", config["MAP_MAX_ZOOM"]))
        tile_bytes = int(built_in.get("mean_tile_bytes", TILE_BYTES))
    else:
        url, attribution = config["MAP_TILE_URL"] or None, config["MAP_TILE_ATTRIBUTION"]
        native_zoom, tile_bytes = None, TILE_BYTES
    # The person's area: a grid worker's grid, an officer's township (his unit, or the
    # nearest above it the areas file has).
    unit = current_user().unit
    codes = unit.path.strip("/").split("/")[::-1] if unit is not None else []
    return {
        "map": {
            "url": url,
            "subdomains": config["MAP_TILE_SUBDOMAINS"] or "abc",
            "attribution": attribution,
            "max_zoom": config["MAP_MAX_ZOOM"],
            "native_zoom": native_zoom,
            "area": tiles.area_of(codes),
            "offline": {
                "limit_mb": config["MAP_OFFLINE_LIMIT_MB"],
                "max_zoom": min(config["MAP_OFFLINE_MAX_ZOOM"], native_zoom or 99),
                "tile_bytes": tile_bytes,
            },
        }
    }
