"""The sync protocol and conflict rules: pure Python, no Flask, no SQLAlchemy."""
