"""A NEGATIVE is earned: what the test could have found in this sample, measured and stated.

The limits of detection come from the dilution benchmark (benchmarks/dilution.py, its table in
resources/curated/lod.tsv); each RNA sample's detectability scales the molecules found at the LoD
by its own library's junction yield and tumour content.
"""

from __future__ import annotations

import re
import sys

import pytest

from ntrkfusion.qc.detectability import poisson_at_least, rna_detectability
from ntrkfusion.qc.flags import FAIL, QCSettings, checks, flags_from
from ntrkfusion.qc.lod import KIND_WORDS, LOD_PATH, markdown_table, read_lod

from .helpers import ROOT


def test_every_kind_the_readme_lists_has_a_measured_limit_and_the_readme_states_it():
    table = read_lod()
    assert set(table) == {"rna_star_chimeric", "rna_star_plain", "rna_hisat2", "rna_bwa", "rna_panel_umi",
                          "rna_long_read", "dna_panel", "cfdna_umi"} == set(KIND_WORDS), LOD_PATH  # fmt: skip
    for row in table.values():
        assert row.lod is not None and row.detection >= 0.95 and row.false_positives == 0, row
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- lod -->\n(.*?)\n<!-- /lod -->", readme, re.S).group(1)
    assert block == markdown_table()  # the benchmark's table, never typed by hand


def test_rna_detectability_scales_with_the_library_and_the_tumour_content():
    row = read_lod()["rna_star_chimeric"]
    at_reference = rna_detectability("rna_star_chimeric", row.reference_yield, row.reference_tumour, 5)
    assert at_reference == pytest.approx(poisson_at_least(5, row.lod_molecules))
    half_library = rna_detectability("rna_star_chimeric", row.reference_yield / 2, row.reference_tumour, 5)
    double_tumour = rna_detectability("rna_star_chimeric", row.reference_yield, 2 * row.reference_tumour, 5)
    assert half_library < at_reference < double_tumour
    assert rna_detectability("minimap2", 40.0, 60.0, 5) is None  # no LoD measured: cannot be said


def test_detectability_below_the_threshold_makes_a_no_call_indeterminate_with_the_number():
    s = QCSettings()
    m = {"detectability": {"NTRK1": 0.61, "NTRK2": 0.61, "NTRK3": 0.61}, "detectability_at_lod": True,
         "detectability_limited_by": "LOW_COVERAGE", "median_fragment_length": 250.0,
         "fragment_lengths_measured": 500, "median_tin": 90.0, "median_5prime_to_3prime_bias": 1.0}  # fmt: skip
    decided = checks("rna", m, 60, None, 100, s)
    failing = [c for c in decided if c.status == FAIL]
    assert {c.metric for c in failing} == {"detectability.NTRK1", "detectability.NTRK2", "detectability.NTRK3"}
    flags = flags_from(decided, "rna", m)
    assert flags["LOW_COVERAGE"] == ["an NTRK fusion at this test's limit of detection would have been found in "
                                     "NTRK1, NTRK2 and NTRK3 with 61% probability (< 95%)"]  # one value, said once


def test_the_small_default_benchmark_runs_and_detection_rises_with_support(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import dilution

    from .helpers import CACHE, need_aligners

    need_aligners()
    rows = dilution.main(["--out", str(tmp_path), "--cache", str(CACHE / "aligners"), "--jobs", "2"])
    positives = sorted((r for r in rows if r["partner"]), key=lambda r: r["level"])
    assert [r["level"] for r in positives] == [1, 5, 20] and len(rows) == 4
    detected = [r["detected"] for r in positives]
    assert detected == sorted(detected) and detected[-1]  # never lost as support grows
    assert [r["molecules"] for r in positives] == sorted(r["molecules"] for r in positives)
    (negative,) = [r for r in rows if not r["partner"]]
    assert negative["result"] != "POSITIVE"
    assert all(r["detectability"] is not None for r in rows)  # each sample states its own
