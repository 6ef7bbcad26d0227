"""Every action the audit log records (Art. 11.4), one name each, with what it means on the
auditors' page. `record()` takes nothing else: a new kind of entry is added here first."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from migrex.accounts.events import Event


class Action(StrEnum):
    # accounts: sign-in, second factor, tokens (OWASP ASVS 2, 3), as accounts/events.py names them
    LOGIN_SUCCEEDED = Event.LOGIN_SUCCEEDED.value
    LOGIN_FAILED = Event.LOGIN_FAILED.value
    LOGIN_LOCKED = Event.LOGIN_LOCKED.value
    LOGOUT = Event.LOGOUT.value
    IDENTITY_FAILED = Event.IDENTITY_FAILED.value
    TOTP_ENROLLED = Event.TOTP_ENROLLED.value
    TOKEN_ISSUED = Event.TOKEN_ISSUED.value
    TOKEN_REVOKED = Event.TOKEN_REVOKED.value
    OFFICER_CREATED = Event.OFFICER_CREATED.value
    OFFICER_DISABLED = Event.OFFICER_DISABLED.value
    ACCESS_DENIED = "access.denied"
    ADMIN_CHANGE = "admin.change"
    # the agreement, the node's keys and peers
    AGREEMENT_LOADED = "agreement.loaded"
    KEYS_CREATED = "keys.created"
    KEYS_CHANGED = "keys.changed"
    KEYS_DELETED = "keys.deleted"
    PEER_CONFIGURED = "peer.configured"
    PEER_REMOVED = "peer.removed"
    NODE_BACKED_UP = "node.backed_up"
    NODE_RESTORED = "node.restored"
    AUDIT_PEER_CHECKPOINT_CONFLICT = "audit.peer_checkpoint_conflict"
    # messages between the nodes
    MESSAGE_RECEIVED = "message.received"
    MESSAGE_DUPLICATE = "message.duplicate"
    MESSAGE_REFUSED = "message.refused"
    MESSAGE_SENT = "message.sent"
    MESSAGE_REFUSED_BY_PEER = "message.refused_by_peer"
    MESSAGE_UNDELIVERABLE = "message.undeliverable"
    MESSAGE_REQUEUED = "message.requeued"
    PACKAGE_EXPORTED = "package.exported"
    PACKAGE_IMPORTED = "package.imported"
    PACKAGE_REFUSED = "package.refused"
    PACKAGE_RECEIPTS = "package.receipts"
    PACKAGE_RECEIPTS_REFUSED = "package.receipts_refused"
    # personal data (Art. 11.2–11.4)
    PERSONAL_DATA_READ = "personal_data.read"
    PERSONAL_DATA_EXPORTED = "personal_data.exported"
    CASE_ATTACHMENT_UNREADABLE = "case.attachment_unreadable"
    DATASET_QUEUED = "dataset.queued"
    CONSENT_REQUESTED = "consent.requested"
    CONSENT_REQUEST_RECEIVED = "consent.request_received"
    CONSENT_GRANTED = "consent.granted"
    CONSENT_REFUSED = "consent.refused"
    CONSENT_DECISION_RECEIVED = "consent.decision_received"
    # retention and destruction (Art. 11.5)
    RETENTION_RULE_SET = "retention.rule_set"
    RETENTION_PURPOSE_ENDED = "retention.purpose_ended"
    RETENTION_DESTROYED = "retention.destroyed"
    RETENTION_ACT = "retention.act"
    RETENTION_NOTICE_RECEIVED = "retention.notice_received"
    # statistics (Art. 3.1.1)
    STATS_IMPORTED = "stats.imported"
    STATS_SENT = "stats.sent"
    STATS_RECEIVED = "stats.received"
    # illegal-migration channels (Art. 4)
    CHANNELS_CREATED = "channels.created"
    CHANNELS_CHANGED = "channels.changed"
    CHANNELS_ENTITY_ADDED = "channels.entity_added"
    CHANNELS_ENTITY_CHANGED = "channels.entity_changed"
    CHANNELS_ENTITY_REMOVED = "channels.entity_removed"
    CHANNELS_INDIVIDUAL_ADDED = "channels.individual_added"
    CHANNELS_INDIVIDUAL_CHANGED = "channels.individual_changed"
    CHANNELS_INDIVIDUAL_REMOVED = "channels.individual_removed"
    CHANNELS_GRAPH_BUILT = "channels.graph_built"
    CHANNELS_REPORT_READ = "channels.report_read"
    CHANNELS_REPORT_SENT = "channels.report_sent"
    CHANNELS_REPORT_RECEIVED = "channels.report_received"
    # registers (Art. 2, 4, 7, 9.3)
    LEGISLATION_SENT = "registers.legislation_sent"
    LEGISLATION_RECEIVED = "registers.legislation_received"
    AUTHORITY_NOTICE_SENT = "registers.authority_notice_sent"
    AUTHORITY_NOTICE_APPLIED = "registers.authority_notice_applied"
    SIGNING_KEY_ENROLLED = "registers.signing_key_enrolled"
    COOPERATION_RECORDED = "registers.cooperation_recorded"


LABELS: dict[Action, Promise] = {
    Action.LOGIN_SUCCEEDED: _("Signed in"),
    Action.LOGIN_FAILED: _("Sign-in failed"),
    Action.LOGIN_LOCKED: _("Sign-in refused: locked"),
    Action.LOGOUT: _("Signed out"),
    Action.IDENTITY_FAILED: _("Wrong password before a signature"),
    Action.TOTP_ENROLLED: _("Authenticator enrolled"),
    Action.TOKEN_ISSUED: _("API token issued"),
    Action.TOKEN_REVOKED: _("API token revoked"),
    Action.OFFICER_CREATED: _("Officer account created"),
    Action.OFFICER_DISABLED: _("Officer account disabled"),
    Action.ACCESS_DENIED: _("Access denied"),
    Action.ADMIN_CHANGE: _("Change in the administration"),
    Action.AGREEMENT_LOADED: _("Agreement profile loaded"),
    Action.KEYS_CREATED: _("Node keys created"),
    Action.KEYS_CHANGED: _("Node keys changed"),
    Action.KEYS_DELETED: _("Node keys deleted"),
    Action.PEER_CONFIGURED: _("Peer node configured"),
    Action.PEER_REMOVED: _("Peer node removed"),
    Action.NODE_BACKED_UP: _("Node backed up"),
    Action.NODE_RESTORED: _("Node restored from a backup"),
    Action.AUDIT_PEER_CHECKPOINT_CONFLICT: _("Peer's checkpoint contradicts an earlier one"),
    Action.MESSAGE_RECEIVED: _("Message received"),
    Action.MESSAGE_DUPLICATE: _("Duplicate message received"),
    Action.MESSAGE_REFUSED: _("Message refused"),
    Action.MESSAGE_SENT: _("Message delivered"),
    Action.MESSAGE_REFUSED_BY_PEER: _("Message refused by the other party"),
    Action.MESSAGE_UNDELIVERABLE: _("Message undeliverable"),
    Action.MESSAGE_REQUEUED: _("Message queued again"),
    Action.PACKAGE_EXPORTED: _("Offline package exported"),
    Action.PACKAGE_IMPORTED: _("Offline package imported"),
    Action.PACKAGE_REFUSED: _("Offline package refused"),
    Action.PACKAGE_RECEIPTS: _("Receipts of a package read"),
    Action.PACKAGE_RECEIPTS_REFUSED: _("Receipts of a package refused"),
    Action.PERSONAL_DATA_READ: _("Personal data read"),
    Action.PERSONAL_DATA_EXPORTED: _("Personal data exported"),
    Action.CASE_ATTACHMENT_UNREADABLE: _("Attachment unreadable: move refused"),
    Action.DATASET_QUEUED: _("Dataset queued for sending"),
    Action.CONSENT_REQUESTED: _("Consent of the provider requested"),
    Action.CONSENT_REQUEST_RECEIVED: _("Request for consent received"),
    Action.CONSENT_GRANTED: _("Consent granted"),
    Action.CONSENT_REFUSED: _("Consent refused"),
    Action.CONSENT_DECISION_RECEIVED: _("Decision on consent received"),
    Action.RETENTION_RULE_SET: _("Retention rule set"),
    Action.RETENTION_PURPOSE_ENDED: _("End of purpose recorded"),
    Action.RETENTION_DESTROYED: _("Personal data destroyed"),
    Action.RETENTION_ACT: _("Destruction act drawn up"),
    Action.RETENTION_NOTICE_RECEIVED: _("Notice of destruction received"),
    Action.STATS_IMPORTED: _("Statistical dataset imported"),
    Action.STATS_SENT: _("Statistical dataset sent"),
    Action.STATS_RECEIVED: _("Statistical dataset received"),
    Action.CHANNELS_CREATED: _("Channel recorded"),
    Action.CHANNELS_CHANGED: _("Channel changed"),
    Action.CHANNELS_ENTITY_ADDED: _("Legal entity added to a channel"),
    Action.CHANNELS_ENTITY_CHANGED: _("Legal entity of a channel changed"),
    Action.CHANNELS_ENTITY_REMOVED: _("Legal entity removed from a channel"),
    Action.CHANNELS_INDIVIDUAL_ADDED: _("Individual added to a channel"),
    Action.CHANNELS_INDIVIDUAL_CHANGED: _("Individual of a channel changed"),
    Action.CHANNELS_INDIVIDUAL_REMOVED: _("Individual removed from a channel"),
    Action.CHANNELS_GRAPH_BUILT: _("Link analysis over persons"),
    Action.CHANNELS_REPORT_READ: _("Channel report read"),
    Action.CHANNELS_REPORT_SENT: _("Channel report sent"),
    Action.CHANNELS_REPORT_RECEIVED: _("Channel report received"),
    Action.LEGISLATION_SENT: _("Legislation notice sent"),
    Action.LEGISLATION_RECEIVED: _("Legislation notice received"),
    Action.AUTHORITY_NOTICE_SENT: _("Authority notice sent"),
    Action.AUTHORITY_NOTICE_APPLIED: _("Authority notice applied"),
    Action.SIGNING_KEY_ENROLLED: _("Signatory's signing key enrolled"),
    Action.COOPERATION_RECORDED: _("Cooperation activity recorded"),
}


def label(action: str) -> str:
    """What an action means, in the active language; the code itself for one no longer known."""
    try:
        return str(LABELS[Action(action)])
    except ValueError:
        return action
