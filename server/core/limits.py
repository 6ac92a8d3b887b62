"""Rate limits (Flask-Limiter). Storage is memory for one process and Redis when several
app servers share the limits (FIELDCASE_RATELIMIT_STORAGE_URI=redis://...)."""

from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def login_username() -> str:
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return "user:" + (name.strip().lower() if isinstance(name, str) else "")


def login_ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_user_limit() -> str:
    return current_app.config["LOGIN_USER_RATE_LIMIT"]
