"""Every model, imported in one place so the metadata is complete (Alembic, tests)."""

from server.accounts.models import Device, RefreshToken, User, UserRole
from server.audit.models import AuditEntry, AuditHead
from server.catalogue.models import Empowerment, Matter
from server.clues.models import Clue
from server.core.db import Counter
from server.units.models import AdminUnit, Department

__all__ = [
    "AdminUnit",
    "AuditEntry",
    "AuditHead",
    "Clue",
    "Counter",
    "Department",
    "Device",
    "Empowerment",
    "Matter",
    "RefreshToken",
    "User",
    "UserRole",
]
