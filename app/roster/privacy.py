"""The roster's sensitive fields (ID number, phone, home address): how they are masked for
display, how a masked value posted back keeps the stored one, the audited unmasking, and the
blind indexes (keyed hashes) by which an ID number or phone is found without decrypting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from app import audit, policy
from app.auth.models import User
from app.common.crypto import blind_index, blind_indexer, decrypt
from app.common.idcard import is_masked, mask_id, mask_phone
from app.errors import FieldErrors, PermissionDenied
from app.roster.models import Member


def masked_id(member: Member) -> str:
    return mask_id(decrypt(member.id_number_enc))


def masked_phone(member: Member) -> str:
    return mask_phone(decrypt(member.phone_enc)) if member.phone_enc else ""


def mask_address(address: str) -> str:
    """The start of the address (province, county) and asterisks for the rest: enough to tell
    where a member lives, never the house."""
    if not address:
        return ""
    keep = min(6, len(address) // 3)
    return address[:keep] + "*" * 4


def masked_address(member: Member) -> str:
    return mask_address(decrypt(member.address_enc)) if member.address_enc else ""


def keep_masked(member: Member, raw: dict[str, Any]) -> dict[str, Any]:
    """A masked ID or phone posted back unchanged means "keep the stored value"."""
    raw = dict(raw)
    for key, masked, enc in (
        ("id_number", masked_id(member), member.id_number_enc),
        ("phone", masked_phone(member), member.phone_enc),
        ("address", masked_address(member), member.address_enc),
    ):
        value = str(raw.get(key) or "").strip()
        if is_masked(value) and value == masked:
            raw[key] = decrypt(enc)
    return raw


def unmask(actor: User, member: Member, reason: str) -> dict[str, str]:
    """The full ID number, phone and home address, for a committee member who gives a reason.
    Audited (the reason, never the values)."""
    if not policy.can(actor, "roster.unmask", member):
        raise PermissionDenied(
            _l("Only the party committee may see full ID numbers, phones and addresses.")
        )
    reason = " ".join((reason or "").split())[:200]
    if len(reason) < 2:
        raise FieldErrors({"reason": str(_l("Give the reason for viewing the full details."))})
    audit.record(actor, "member.unmask", member, org_path=member.org.path, reason=reason)
    return {
        "id_number": decrypt(member.id_number_enc),
        "phone": decrypt(member.phone_enc),
        "address": decrypt(member.address_enc),
    }


def id_hash(number: str) -> str:
    return blind_index(number, "id")


def phone_hash(phone: str) -> str:
    return blind_index(phone, "phone")


def id_hasher() -> Callable[[str], str]:
    """id_hash with the key resolved once (bulk paths)."""
    return blind_indexer("id")


def phone_hasher() -> Callable[[str], str]:
    """phone_hash with the key resolved once (bulk paths)."""
    return blind_indexer("phone")
