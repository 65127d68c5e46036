"""One vocabulary: the workflow's schemas list exactly the words the code defines, and no module
writes a result, an assay or the NTRK gene list as a literal of its own."""

from __future__ import annotations

import re

from ntrkfusion.samplesheet import load_schema
from ntrkfusion.vocabulary import ASSAYS, RESULTS_ORDER, UMI_SOURCES, Result

from .helpers import ROOT


def test_the_schemas_list_the_codes_words():
    sheet = load_schema("samples.schema.yaml")["properties"]
    config = load_schema("config.schema.yaml")["properties"]
    assert sheet["assay"]["enum"] == list(ASSAYS)
    assert sheet["umi"]["enum"] == list(UMI_SOURCES) == config["umi"]["properties"]["source"]["enum"]
    assert set(RESULTS_ORDER) == set(Result)


def test_each_word_is_written_once_in_the_code():
    """Outside vocabulary.py (and the simulator's own case table, which speaks of expectations),
    no module spells a result, an assay comparison or the NTRK gene tuple."""
    source = ROOT / "src/ntrkfusion"
    offenders = []
    patterns = [r'"(POSITIVE|NEGATIVE|INDETERMINATE)"', r'[=!]= "(rna|dna|cfdna)"', r'"NTRK1", "NTRK2", "NTRK3"']
    for path in sorted(source.rglob("*.py")) + sorted(source.rglob("*.j2")):
        if path.name == "vocabulary.py":
            continue
        text = path.read_text()
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for p in patterns for m in re.finditer(p, text)]
    assert offenders == []
