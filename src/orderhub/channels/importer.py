"""`orderhub import`: platform API documents (JSON) and back-office exports (CSV/XLSX) of a shop.

Everything goes through the same receive path as pulls and webhooks, in batches of one
transaction each, so an import can be interrupted and run again: what is in stays in, a
second run only counts it as unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine

from orderhub.channels import registry
from orderhub.channels.base import ParseError
from orderhub.channels.documents import require_text, split_document
from orderhub.channels.errors import ImportFailed
from orderhub.channels.fileimport.builtin import builtin_profiles
from orderhub.channels.fileimport.grouping import RejectedGroup, drafts_from_rows
from orderhub.channels.fileimport.profiles import Profile, ProfileError
from orderhub.channels.fileimport.reader import read_rows
from orderhub.channels.receive import Parsed, ReceiveResult, Rejected, parse_raw, receive
from orderhub.channels.shops import context_of, load_shop
from orderhub.db.shops_repo import ShopRecord

JSON_FORMATS = ("shopify", "woocommerce", "taobao", "douyin", "amazon", "jd", "pdd")
FILE_FORMATS = ("csv", "xlsx")
BATCH = 1000

Progress = Callable[[int, int | None], None]  # (orders done so far, total if known)


@dataclass(frozen=True, slots=True)
class ImportRequest:
    shop: str
    format: str
    path: Path
    profile: str | None = None  # a built-in profile name or a JSON file of a seller's own


def import_file(
    engine: Engine, request: ImportRequest, *, progress: Progress | None = None
) -> ReceiveResult:
    """Import one file into one shop; returns the counts (received/created/…/quarantined)."""
    with engine.connect() as conn:
        shop = load_shop(conn, request.shop)
    if request.format in JSON_FORMATS:
        items, total = _from_document(shop, request), None
    elif request.format in FILE_FORMATS:
        items, total = _from_export(shop, request)
    else:
        raise ImportFailed(
            f"unknown format {request.format!r}; use one of "
            f"{', '.join(JSON_FORMATS + FILE_FORMATS)}"
        )
    result = ReceiveResult()
    for batch in _batches(items, BATCH):
        with engine.begin() as conn:
            result.add(receive(conn, shop.ref, batch, source="import"))
        if progress:
            progress(result.received, total)
    return result


def _batches(items: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _from_document(shop: ShopRecord, request: ImportRequest) -> Iterator[Parsed]:
    adapter = registry.adapter_for(request.format)
    context = context_of(shop)
    try:
        text = require_text(request.path.read_bytes(), request.path.name)
    except ParseError as exc:
        raise ImportFailed(exc.message) from None
    ref = f"{request.format}:{request.path.name}"
    for raw in split_document(text, request.format):
        yield parse_raw(adapter, context, raw, source_ref=ref)


def load_profile(name: str | None, fmt: str, platform: str) -> Profile:
    """A built-in profile by name, a seller's profile from a JSON file, or the shop platform's."""
    profiles = builtin_profiles()
    chosen = name or (platform if platform in profiles else "generic-csv")
    if chosen in profiles:
        return profiles[chosen]
    path = Path(chosen)
    if not path.is_file():
        raise ImportFailed(
            f"no profile {chosen!r}: built-in ones are {', '.join(sorted(profiles))},"
            " or give a JSON file"
        )
    try:
        return Profile.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ProfileError, ValueError) as exc:
        raise ImportFailed(f"profile {path.name} is not valid: {exc}") from None


def _from_export(shop: ShopRecord, request: ImportRequest) -> tuple[Iterator[Parsed], int | None]:
    profile = load_profile(request.profile, request.format, shop.ref.platform)
    try:
        rows = read_rows(request.path, filename=request.path.name, profile=profile)
    except ParseError as exc:
        raise ImportFailed(exc.message, code=exc.code) from None
    ref = f"import:{request.profile or profile.name}:{request.path.name}"

    def items() -> Iterator[Parsed]:
        try:
            for item in drafts_from_rows(rows, profile, source_name=request.path.name):
                yield _rejected(item, ref) if isinstance(item, RejectedGroup) else item
        except ParseError as exc:
            raise ImportFailed(exc.message, code=exc.code) from None

    return items(), None


def _rejected(group: RejectedGroup, ref: str) -> Rejected:
    rows = f"rows {group.row_numbers[0]}-{group.row_numbers[-1]}" if group.row_numbers else ""
    return Rejected(
        group.raw.encode(),
        group.code,
        group.message,
        group.field,
        group.platform_order_id,
        source_ref=f"{ref} {rows}".strip(),
    )


def _reparse_export(shop: ShopRecord, raw: bytes, source_ref: str) -> Parsed:
    """Replay of an export group: the same profile over the same rows."""
    parts = source_ref.split(":", 2)
    profile_name = parts[1] if len(parts) > 1 else ""
    try:
        profile = load_profile(profile_name or None, "csv", shop.ref.platform)
        rows = json.loads(raw)
        items = list(
            drafts_from_rows(
                rows if isinstance(rows, list) else rows["rows"], profile, source_name=source_ref
            )
        )
    except (ImportFailed, ParseError, ValueError, KeyError, TypeError) as exc:
        return Rejected(raw, "IMPORT_REPLAY_FAILED", f"cannot re-read the rows: {exc}")
    if len(items) != 1:
        return Rejected(raw, "IMPORT_REPLAY_FAILED", f"rows make {len(items)} orders, not one")
    item = items[0]
    return _rejected(item, source_ref) if isinstance(item, RejectedGroup) else item


def reparse_import(shop: ShopRecord, raw: bytes, source_ref: str) -> Parsed:
    """Re-read an imported item for a quarantine replay, the way it was first read."""
    if source_ref.startswith("import:"):
        return _reparse_export(shop, raw, source_ref)
    return _reparse_document(shop, raw, source_ref)


def _reparse_document(shop: ShopRecord, raw: bytes, source_ref: str) -> Parsed:
    fmt = source_ref.split(":", 1)[0]
    try:
        adapter = registry.adapter_for(fmt)
    except LookupError:
        return Rejected(raw, "PLATFORM_UNSUPPORTED", f"no adapter for {fmt}")
    return parse_raw(adapter, context_of(shop), raw, source_ref=source_ref)
