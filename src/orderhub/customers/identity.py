"""One customer across channels: which facts of an order identify its buyer, and matching them.

Keys, strongest first (`identity_keys`):

- ``buyer:<platform>``: the platform's buyer id. Always used when present, even when the
  platform masks the rest of the buyer's data (Taobao OAID era).
- ``phone``: the E.164 receiver phone. A privacy number (host + ";ext=NNNN") is the platform's
  line, so it only identifies within that platform: kind ``phone:<platform>``.
- ``email``: trimmed and lower-cased.
- ``name_address``: normalised receiver name + normalised address; placeholder names
  ("门店散客", "匿名", ...) never form one.

Masked personal data (the platform says so, or the phone is masked) yields ONLY the buyer id key:
"138****8000" is shared by a thousand buyers. Orders with no key at all are not linked to any
customer (`Match.customer_id` stays None).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from orderhub.normalize.address import NormalizedAddress
from orderhub.normalize.phones import PhoneKind, normalize_phone
from orderhub.orders.domain import OrderDraft

Key = tuple[str, str]  # (kind, value)
IdentityRow = tuple[str, str, int]  # (kind, value, customer_id)

PRIVACY_MARK = ";ext="
MASK_CHAR = "*"
PLACEHOLDER_NAMES = frozenset(
    {"门店散客", "散客", "匿名", "匿名用户", "匿名买家", "顾客", "anonymous", "guest", "n/a"}
)


@dataclass(frozen=True)
class BuyerFacts:
    """What one order tells about its buyer, already normalised."""

    order_id: int
    platform: str
    shop: str
    buyer_id: str | None
    buyer_masked: bool  # the platform says buyer data is masked (Taobao OAID era)
    phone_key: str  # `normalize_phone(...).match_key`: "" when masked or invalid
    email: str
    name: str
    address_key: str  # "province|city|district|street", "" when unknown


@dataclass(frozen=True)
class Match:
    customer_id: int | None  # None: no known customer (a new one, or not linkable at all)
    reason: str


def normalize_name(name: str) -> str:
    """Full-width to half-width, blanks collapsed, case folded; "" for placeholders/masked."""
    text = " ".join(unicodedata.normalize("NFKC", name).split()).casefold()
    if text in PLACEHOLDER_NAMES or MASK_CHAR in text:
        return ""
    return text


def address_key(address: NormalizedAddress) -> str:
    """ "province|city|district|street" for matching; "" when the place is not known well enough."""
    street = " ".join(unicodedata.normalize("NFKC", address.street).split()).casefold()
    if not street or MASK_CHAR in street or not (address.city or address.district):
        return ""
    return "|".join((address.province, address.city, address.district, street))


def facts_from_draft(
    order_id: int,
    platform: str,
    shop: str,
    draft: OrderDraft,
    *,
    buyer_masked: bool = False,
    address: NormalizedAddress | None = None,
) -> BuyerFacts:
    """The buyer facts of an order draft; a masked receiver phone marks the buyer as masked."""
    receiver = draft.receiver
    phone = normalize_phone(receiver.phone, default_country=receiver.country or "CN")
    return BuyerFacts(
        order_id=order_id,
        platform=platform,
        shop=shop,
        buyer_id=draft.buyer_id,
        buyer_masked=buyer_masked or phone.kind is PhoneKind.MASKED,
        phone_key=phone.match_key,
        email=draft.buyer_email or "",
        name=receiver.name,
        address_key=address_key(address) if address is not None else "",
    )


def identity_keys(f: BuyerFacts) -> list[Key]:
    """The (kind, value) keys identifying the buyer, strongest first."""
    keys: list[Key] = []
    buyer_id = (f.buyer_id or "").strip()
    if buyer_id:
        keys.append((f"buyer:{f.platform}", buyer_id))
    if f.buyer_masked or MASK_CHAR in f.phone_key:
        return keys
    if f.phone_key:
        kind = f"phone:{f.platform}" if PRIVACY_MARK in f.phone_key else "phone"
        keys.append((kind, f.phone_key))
    email = f.email.strip().lower()
    if "@" in email and MASK_CHAR not in email:
        keys.append(("email", email))
    name = normalize_name(f.name)
    if name and f.address_key and MASK_CHAR not in f.address_key:
        keys.append(("name_address", f"{name}|{f.address_key}"))
    return keys


def describe_kind(kind: str) -> str:
    """Human words for a key kind: "buyer:tmall" -> "tmall buyer id"."""
    base, _, platform = kind.partition(":")
    words = {
        "buyer": f"{platform} buyer id",
        "phone": f"{platform} privacy number" if platform else "phone",
        "email": "email",
        "name_address": "name and address",
    }
    return words.get(base, kind)


class IdentityIndex:
    """Known identity keys -> customer, built from stored rows and updated while matching."""

    def __init__(self, rows: Iterable[IdentityRow]) -> None:
        self._owner: dict[Key, int] = {}
        for kind, value, customer_id in rows:
            self._owner.setdefault((kind, value), customer_id)

    def __len__(self) -> int:
        return len(self._owner)

    def owner(self, kind: str, value: str) -> int | None:
        return self._owner.get((kind, value))

    def match(self, f: BuyerFacts) -> Match:
        """The customer of the strongest known key; weaker keys pointing elsewhere are ignored."""
        keys = identity_keys(f)
        if not keys:
            return Match(None, "no identifying facts: not linked to a customer")
        known = [(key, self._owner[key]) for key in keys if key in self._owner]
        if not known:
            return Match(None, "new customer")
        (kind, value), customer_id = known[0]
        reason = f"same {describe_kind(kind)} {value} as customer {customer_id}"
        if any(other != customer_id for _, other in known[1:]):
            reason += f" (conflict: {_conflict_text(known)})"
        return Match(customer_id, reason)

    def assign(self, f: BuyerFacts, customer_id: int) -> list[IdentityRow]:
        """Record the buyer's keys not yet known as `customer_id`'s; the rows to store."""
        rows: list[IdentityRow] = []
        for key in identity_keys(f):
            if key not in self._owner:
                self._owner[key] = customer_id
                rows.append((key[0], key[1], customer_id))
        return rows


def _conflict_text(known: list[tuple[Key, int]]) -> str:
    winner = known[0][1]
    parts = [f"{describe_kind(known[0][0][0])} → {winner}"]
    for (kind, _), customer_id in known[1:]:
        if customer_id != winner:
            parts.append(f"{describe_kind(kind)} → {customer_id} ignored")
    return "; ".join(parts)


MatchResult = tuple[BuyerFacts, Match, list[IdentityRow]]


def match_batch(
    facts: Sequence[BuyerFacts], index: IdentityIndex, new_id: Callable[[], int]
) -> list[MatchResult]:
    """Match orders in sequence; a new buyer's later orders in the batch join the same customer.

    Returns, per order, its facts, the match (with the customer id filled in for new customers)
    and the identity rows to store. `index` is updated.
    """
    created: set[int] = set()
    results: list[MatchResult] = []
    for f in facts:
        match = index.match(f)
        if match.customer_id is None and identity_keys(f):
            customer_id = new_id()
            created.add(customer_id)
            match = Match(customer_id, "new customer")
        elif match.customer_id in created:
            match = replace(match, reason=f"{match.reason} (new in this batch)")
        rows = index.assign(f, match.customer_id) if match.customer_id is not None else []
        results.append((f, match, rows))
    return results
