"""The field app's files as the Flask server serves them (nginx copies these rules)."""

from __future__ import annotations

import pytest


@pytest.fixture
def web(make_app, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    (dist / "sw.js").write_text("// sw")
    (dist / "manifest.webmanifest").write_text("{}")
    (dist / "assets" / "index-abc123.js").write_text("// app")
    return make_app(PWA_DIST=str(dist)).test_client()


def test_page_service_worker_and_manifest_are_never_served_stale(web):
    for path in ("/", "/sw.js", "/manifest.webmanifest"):
        response = web.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-cache", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert web.get("/manifest.webmanifest").mimetype == "application/manifest+json"


def test_hashed_assets_are_cached_for_a_year(web):
    response = web.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("path", ["/nothing.js", "/assets/../../secret", "/api/v1/nope", "/api/"])
def test_what_is_not_in_the_build_is_404(web, path):
    assert web.get(path).status_code == 404


def test_unbuilt_app_says_so(make_app, tmp_path):
    client = make_app(PWA_DIST=str(tmp_path / "missing")).test_client()
    response = client.get("/")
    assert response.status_code == 404
    assert b"make run" in response.data


def test_text_goes_gzipped_to_whoever_accepts_it(web):
    import gzip

    plain = web.get("/assets/index-abc123.js")
    assert "Content-Encoding" not in plain.headers
    zipped = web.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert web.get("/", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_the_api_keeps_its_own_404_and_405(web, method):
    assert getattr(web, method)("/api/v1/units/33%00").status_code == 404
    assert getattr(web, method)("/api/v1/nothing/here").status_code == 404
    assert web.delete("/api/v1/clues").status_code == 405


TIANDITU = "https://t{s}.tianditu.gov.cn/vec_w/wmts?layer=vec&tilematrix={z}&tk=KEY"


def test_the_base_maps_tile_server_is_let_in_for_images_only(make_app, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    app = make_app(PWA_DIST=str(dist), MAP_TILE_URL=TIANDITU, MAP_TILE_SUBDOMAINS="01234567")
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["img-src"] == "'self' blob: data: https://*.tianditu.gov.cn"
    assert directives["connect-src"] == "'self'"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"


def test_no_tile_server_no_change(web):
    assert "img-src 'self' blob: data:;" in web.get("/").headers["Content-Security-Policy"]
    # A recording plays from a blob: (the phone's copy, or the console's fetched original).
    assert "media-src 'self' blob:;" in web.get("/").headers["Content-Security-Policy"]
