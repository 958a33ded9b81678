"""Import orders from the order export files sellers download from their back offices.

    stream = read_rows(path, filename=path.name, profile=profile)   # CSV/TSV/XLSX/XLS
    stream.total_rows                                                # for a progress bar
    for item in drafts_from_rows(stream, profile, source_name=path.name):
        ...  # an OrderDraft, or a RejectedGroup (code, message, field, row_numbers, raw)

Profiles: `builtin_profiles()` ("taobao"/"tmall", "jd", "pdd", "douyin", "generic-csv") or a
seller's own `Profile.from_dict(json.load(...))`. Pure: no database, no web.
"""

from orderhub.channels.fileimport.address import AddressParts, split_address
from orderhub.channels.fileimport.building import ImportItem, RejectedGroup
from orderhub.channels.fileimport.builtin import builtin_profiles
from orderhub.channels.fileimport.grouping import drafts_from_rows
from orderhub.channels.fileimport.profiles import (
    FIELDS,
    AmountRule,
    ColumnMap,
    Profile,
    ProfileError,
    normalise_header,
)
from orderhub.channels.fileimport.reader import Row, RowStream, read_rows

__all__ = [
    "FIELDS",
    "AddressParts",
    "AmountRule",
    "ColumnMap",
    "ImportItem",
    "Profile",
    "ProfileError",
    "RejectedGroup",
    "Row",
    "RowStream",
    "builtin_profiles",
    "drafts_from_rows",
    "normalise_header",
    "read_rows",
    "split_address",
]
