"""Every model, imported in one place so the metadata is complete (Alembic, tests)."""

from server.accounts.models import Device, RefreshToken, User, UserRole
from server.audit.models import AuditEntry, AuditHead
from server.cases.eservice import ElectronicService
from server.cases.models import (
    Case,
    Collaboration,
    DocumentReservation,
    Inspection,
    IssuedDocument,
    OfflineDocument,
)
from server.cases.party_copies import PartyCopyLink
from server.catalogue.models import Empowerment, Matter
from server.clues.models import Clue, ClueLink, ClueNote
from server.console.rollup import clue_rollup
from server.core.db import Counter
from server.evidence.models import Blob, Evidence, Upload, VisitPhoto
from server.inspections.models import (
    InspectionDraw,
    InspectionObject,
    InspectionPlan,
    InspectionRecusal,
    InspectionVisit,
)
from server.notify.models import Notification
from server.sync_api.generation import ServerGeneration
from server.sync_api.models import SyncConflict, SyncMutation
from server.units.models import AdminUnit, Department

__all__ = [
    "AdminUnit",
    "AuditEntry",
    "AuditHead",
    "Blob",
    "Case",
    "Clue",
    "ClueLink",
    "ClueNote",
    "Collaboration",
    "Counter",
    "Department",
    "Device",
    "DocumentReservation",
    "ElectronicService",
    "Empowerment",
    "Evidence",
    "Inspection",
    "InspectionDraw",
    "InspectionObject",
    "InspectionPlan",
    "InspectionRecusal",
    "InspectionVisit",
    "IssuedDocument",
    "Matter",
    "Notification",
    "OfflineDocument",
    "PartyCopyLink",
    "RefreshToken",
    "ServerGeneration",
    "SyncConflict",
    "SyncMutation",
    "Upload",
    "User",
    "UserRole",
    "VisitPhoto",
    "clue_rollup",
]
