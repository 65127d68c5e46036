"""Real public BAMs made by others (``../shared/data/testdata/external``): the workflow on every
one of them, against its truth.  The files are read where they are and never copied here (some
are GPL or academic-use only); without them these tests skip, saying why.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ntrkfusion.annotation import load_annotation

from .helpers import SHARED

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = SHARED / "testdata" / "external"
pytestmark = [
    pytest.mark.workflow,
    pytest.mark.xdist_group("external"),  # one run of the workflow for the module
    pytest.mark.skipif(not (EXTERNAL / "truth.tsv").is_file(),
                       reason=f"needs the real public BAMs of {EXTERNAL} (never copied into this repository)"),
]  # fmt: skip
# Names of multi-copy RNA families: a partner named after one of them names no place
FAMILIES = {"Y_RNA", "snoU13", "U3", "U6", "7SK", "5S_rRNA", "Metazoa_SRP", "SNORA31", "SNORD116", "U1", "U2"}
# ETV6::NTRK3 in SRR1659960 as Arriba (130 split reads, 300 discordant mates) and STAR-Fusion
# (160 junction, 390 spanning) count it (source_tool_outputs/)
OTHER_TOOLS_FRAGMENTS = (430, 550)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """The workflow on external/samples.tsv, with no other configuration."""
    work = tmp_path_factory.mktemp("external")
    (work / "config").mkdir()
    sheet = pd.read_csv(EXTERNAL / "samples.tsv", sep="\t", dtype=str, keep_default_na=False)
    sheet["bam"] = [str(EXTERNAL / b) for b in sheet["bam"]]
    sheet.to_csv(work / "config/samples.tsv", sep="\t", index=False)
    (work / "config/config.yaml").write_text("samples: config/samples.tsv\n")
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", str(work),
           "--cores", "2"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    return work


def truth() -> pd.DataFrame:
    return pd.read_csv(EXTERNAL / "truth.tsv", sep="\t", dtype=str, keep_default_na=False)


def tables(run: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    samples = pd.read_csv(run / "results/samples.tsv", sep="\t", keep_default_na=False).set_index("sample")
    return samples, pd.read_parquet(run / "results/fusions.parquet")


@pytest.mark.parametrize("row", truth().to_dict("records") if (EXTERNAL / "truth.tsv").is_file() else [],
                         ids=lambda r: r["sample"])  # fmt: skip
def test_every_real_bam_gives_its_expected_result(run, row):
    samples, _ = tables(run)
    result = samples.loc[row["sample"], "result"]
    expected = row["expected_result"]
    if expected.startswith("not "):
        assert result != expected[4:], samples.loc[row["sample"], "reasons"]
    else:
        assert result == expected, samples.loc[row["sample"], "reasons"]
    assert len(samples.loc[row["sample"], "reasons"]) < 400  # a summary, not one line per artefact


@pytest.mark.parametrize("sample", ["EF_SRR1659960_filtered", "EF_SRR1659960_filtered_ds10"])
def test_real_star_etv6_ntrk3_is_called_exactly(run, sample):
    expected = truth().set_index("sample").loc[sample]
    _, fusions = tables(run)
    (call,) = fusions[(fusions["sample"] == sample) & (fusions["classification"] == "qualifying")].itertuples()
    assert (call.gene5, call.gene3, call.exon5, call.exon3) == ("ETV6", "NTRK3", 5, 15)
    # the table names contigs as the BAM does (12, 15); the truth in chr names
    assert ("chr" + call.breakpoint5, "chr" + call.breakpoint3) == (expected.breakpoint5, expected.breakpoint3)
    assert call.chrom5 == "12" and call.chrom3 == "15"
    assert (call.in_frame, call.kinase_domain_retained, call.known_partner) == (True, True, True)
    assert call.vicc_name == "NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15"
    if sample == "EF_SRR1659960_filtered":  # the other tools' counts, on the same reads
        assert 0.75 * OTHER_TOOLS_FRAGMENTS[0] <= call.supporting_fragments <= 1.25 * OTHER_TOOLS_FRAGMENTS[1]
    else:  # a tenth of the reads
        assert 0.05 * OTHER_TOOLS_FRAGMENTS[0] <= call.supporting_fragments <= 0.2 * OTHER_TOOLS_FRAGMENTS[1]


def test_bwa_rna_panel_splicing_makes_no_candidate(run):
    """SplitFusion Lib001 (anchored multiplex PCR, BWA-MEM, GRCh37): normal NTRK splicing was
    195 candidates; none may remain, and no NTRK fusion may qualify."""
    _, fusions = tables(run)
    lib = fusions[fusions["sample"] == "SplitFusion_Lib001"]
    assert not (lib["classification"] == "qualifying").any()
    assert not (lib["gene5"] == lib["gene3"]).any()
    assert len(lib) <= 10, lib[["fusion", "filters"]]
    evidence = pd.read_parquet(run / "results/SplitFusion_Lib001/evidence.parquet")
    assert (evidence["set_aside"] == "normal_splicing").sum() > 1000  # recognised, and kept for audit


def test_no_partner_is_a_multi_copy_family(run):
    """Every partner is a gene of the sample's build (or a place: intergenic), never a family."""
    from ntrkfusion.annotation.model import _genes

    _, fusions = tables(run)
    builds = truth().set_index("sample")["build"]
    assert not (set(fusions["gene5"]) | set(fusions["gene3"])) & FAMILIES
    for sample, rows in fusions.groupby("sample"):
        ann = load_annotation(builds[sample])
        known = set(ann.transcripts["gene"]) | set(_genes(ann.directory)["gene"]) | {"intergenic", "unknown"}
        partners = set(rows["gene5"]) | set(rows["gene3"])
        assert partners <= known, (sample, partners - known)
