"""The audit log: one row per state change of a document version or review item — who, when, why."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import AuditEntry


def record_change(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    action: str,
    from_state: str | None,
    to_state: str | None,
    actor: str,
    reason: str | None,
) -> None:
    """Add the audit row in the same transaction as the change it describes (both or neither)."""
    session.add(
        AuditEntry(
            entity=entity,
            entity_id=entity_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            reason=reason,
        )
    )
