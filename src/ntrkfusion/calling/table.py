"""The fusions table's rows in a fixed order (its schema, writer and reader: ``records``)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ..records import FUSION_COLUMNS, FUSION_SCHEMA
from ..vocabulary import CandidateClass


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows -> a frame with the schema's columns, qualifying candidates first, then by support.
    The column ``_index`` gives each row's place in ``rows``."""
    frame = pd.DataFrame(rows, columns=FUSION_COLUMNS).assign(_index=range(len(rows)))
    for field in FUSION_SCHEMA:
        if pa.types.is_integer(field.type):
            frame[field.name] = frame[field.name].astype("Int64")
        elif pa.types.is_boolean(field.type):
            frame[field.name] = frame[field.name].astype("boolean")
    if len(frame):
        frame = frame.assign(_pass=frame["classification"] != CandidateClass.QUALIFYING).sort_values(
            ["sample", "_pass", "supporting_fragments", "fusion", "breakpoint5", "breakpoint3", "locus5", "locus3"],
            ascending=[True, True, False, True, True, True, True, True], na_position="last", kind="stable",
        ).drop(columns="_pass")  # fmt: skip
    return frame.reset_index(drop=True)


def qualifying(fusions: pd.DataFrame) -> pd.DataFrame:
    """The candidates that pass every filter (the only ones that make a sample POSITIVE)."""
    return fusions[fusions["classification"] == CandidateClass.QUALIFYING]
