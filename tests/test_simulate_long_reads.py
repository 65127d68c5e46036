"""Long-read RNA cases (ONT cDNA, PacBio HiFi): whole molecules, the platforms' errors, minimap2.

Small simulations of their own (a few hundred reads, seconds each), not the catalogue.  Needs
minimap2 (Debian: minimap2); without it these skip, unless NTRKFUSION_REQUIRE_ALIGNERS=1.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pysam
import pytest

from ntrkfusion.aligners import MINIMAP2_LONG_RNA
from ntrkfusion.annotation import load_annotation
from ntrkfusion.errors import UserError
from ntrkfusion.simulate.cases import CATALOGUE, GENOME_GENES, Case
from ntrkfusion.simulate.lift import lift_bam
from ntrkfusion.simulate.locus_genome import LocusGenome
from ntrkfusion.simulate.long_reads import (LONG_MIN_ANCHOR, PROFILES, last_exon_capped, last_exon_length, long_read_library,
                                            sequenced, whole_molecules, write_long_fastq)  # fmt: skip
from ntrkfusion.simulate.molecules import Molecule, transcript
from ntrkfusion.simulate.run import _weights, simulate

from .helpers import CACHE, need_aligners

# ETV6-NTRK3 with few wild-type reads: every fusion read's alignment can be looked at
SMALL = dict(background_pairs=150, fusion_expression=20, tumour_content=100)


@pytest.fixture(scope="session")
def genome():
    ann = load_annotation("GRCh38")
    return ann, LocusGenome(ann, GENOME_GENES)


@pytest.fixture(scope="session")
def small(tmp_path_factory):
    """A small ONT and a small HiFi ETV6-NTRK3 library through minimap2 and the lift."""
    need_aligners()
    out = tmp_path_factory.mktemp("long_reads")
    cases = {p: replace(CATALOGUE["lr_ont_etv6_ntrk3"], name=f"small_{p}", platform=p, **SMALL) for p in PROFILES}
    return {p: (case, simulate(case, out, CACHE / "aligners")) for p, case in cases.items()}


def records(bam) -> list[pysam.AlignedSegment]:
    with pysam.AlignmentFile(str(bam)) as fh:
        return list(fh.fetch(until_eof=True))


def pos(text: str) -> tuple[str, int]:
    chrom, p = text.split(":")
    return chrom, int(p)


def ends(read) -> set[tuple[str, int]]:
    """1-based first and last aligned base of every block."""
    return {(read.reference_name, p) for s, e in read.get_blocks() for p in (s + 1, e)}


def test_long_read_cases_need_minimap2_a_platform_and_no_duplicates():
    for bad in (dict(library="long_read", platform="ont"), dict(aligner="minimap2"), dict(platform="ont"),
                dict(library="long_read", aligner="minimap2", platform="pacbio"),
                dict(library="long_read", aligner="minimap2", platform="ont", duplicate_rate=0.1)):  # fmt: skip
        with pytest.raises(UserError) as err:
            Case(name="x", **bad)
        assert str(err.value).startswith("case x: unsupported long reads") and "\n" not in str(err.value)
    assert Case(name="x", library="long_read", aligner="minimap2", platform="hifi", duplicate_rate=0).platform == "hifi"


def test_molecules_and_reads_are_the_same_for_a_seed(genome, tmp_path):
    ann, locus = genome
    case = replace(CATALOGUE["lr_ont_etv6_ntrk3"], **SMALL)
    for k in (1, 2):
        rng = np.random.default_rng(case.seed)
        library = long_read_library(case, locus, ann, _weights(case), 1.0, None, rng)  # SMALL: 100 % tumour
        write_long_fastq(library, PROFILES["ont"], rng, tmp_path / f"{k}.fq")
    assert (tmp_path / "1.fq").read_text() == (tmp_path / "2.fq").read_text()


def test_whole_molecules_end_in_poly_a_and_some_are_truncated():
    mol = Molecule("m", "".join(np.random.default_rng(1).choice(list("ACGT"), size=2000)), junction=800)
    tmpls = whole_molecules(mol, 400, "FUS", 0.3, 30, np.random.default_rng(2))
    for t in tmpls:
        templated, tail = t.seq[: len(t.seq) - t.tail], t.seq[len(t.seq) - t.tail :]
        assert mol.seq.endswith(templated)
        assert 20 <= len(tail) - len(tail.lstrip("A")) <= 45 and len(tail.lstrip("A")) <= 5  # remnant may start with A
    full = sum(t.seq.startswith(mol.seq[:100]) for t in tmpls)
    assert 0.6 < full / len(tmpls) < 0.8  # 30 % truncated (a few at the very start still look full)
    assert all((t.junction is None) == (len(t.seq) - t.tail <= 1200) for t in tmpls)


def test_error_profiles_give_the_platforms_identity():
    """Substitutions, insertions and deletions counted by aligning each read to its template
    (the reads are short enough for an exact edit distance)."""
    rng = np.random.default_rng(3)
    template = "".join(rng.choice(list("ACGT"), size=300)) + "A" * 30
    for platform, (low, high) in {"ont": (0.92, 0.96), "hifi": (0.993, 0.998)}.items():
        edits = sum(_edit_distance(sequenced(template, PROFILES[platform], rng), template) for _ in range(60))
        identity = 1 - edits / (60 * len(template))
        assert low <= identity <= high, (platform, identity)


def _edit_distance(a: str, b: str) -> int:
    row = np.arange(len(b) + 1)
    codes = np.frombuffer(b.encode(), dtype=np.uint8)
    for i, ch in enumerate(a.encode(), 1):
        new = np.empty_like(row)
        new[0] = i
        diag = row[:-1] + (codes != ch)
        new[1:] = np.minimum(diag, row[1:] + 1)
        new = np.minimum.accumulate(new - np.arange(len(new))) + np.arange(len(new))  # insertions along the row
        row = new
    return int(row[-1])


def test_aligned_identity_orientation_and_poly_a(small):
    """What minimap2 makes of the wild-type reads: the platform's identity (NM over aligned columns),
    both orientations, poly(A) soft-clipped at the transcripts' 3' ends."""
    for platform, (low, high) in {"ont": (0.92, 0.97), "hifi": (0.99, 1.0)}.items():
        wt = [r for r in records(small[platform][1].bam)
              if r.query_name.startswith("WT") and not (r.is_secondary or r.is_supplementary)]  # fmt: skip
        columns = sum(n for r in wt for op, n in r.cigartuples if op in (0, 1, 2))
        identity = 1 - sum(r.get_tag("NM") for r in wt) / columns
        assert low <= identity <= high, (platform, identity)
        reverse = sum(r.is_reverse for r in wt) / len(wt)
        assert 0.35 < reverse < 0.65
        # the poly(A) end: a soft clip of mostly A (forward-strand transcript) or T at the read's 3' or 5' end
        clipped = 0
        for r in wt:
            first, last = r.cigartuples[0], r.cigartuples[-1]
            clips = [r.query_sequence[: first[1]] if first[0] == 4 else "",
                     r.query_sequence[-last[1] :] if last[0] == 4 else ""]  # fmt: skip
            clipped += any(len(c) >= 15 and max(c.count("A"), c.count("T")) >= 0.7 * len(c) for c in clips)
        assert clipped >= 0.8 * len(wt), (platform, clipped, len(wt))


@pytest.mark.parametrize("platform", list(PROFILES))
def test_fusion_reads_are_primary_plus_hard_clipped_supplementary_at_the_breakpoints(small, platform):
    case, sim = small[platform]
    truth = sim.truth.iloc[0]
    bp5, bp3 = pos(truth.breakpoint5), pos(truth.breakpoint3)
    fus = [r for r in records(sim.bam) if r.query_name.startswith("FUS") and not r.is_secondary]
    split = {}
    for r in fus:
        if r.has_tag("SA"):
            split.setdefault(r.query_name, []).append(r)
    assert truth.split_fragments - 1 <= len(split) <= truth.split_fragments
    distances = []  # of each part's nearest block end from its breakpoint
    for name, parts in split.items():
        primary = [r for r in parts if not r.is_supplementary]
        supplementary = [r for r in parts if r.is_supplementary]
        assert len(primary) == 1 and len(supplementary) >= 1, name
        assert all("H" in r.cigarstring for r in supplementary) and "H" not in primary[0].cigarstring, name
        on = {r.reference_name for r in parts}
        assert on == {bp5[0], bp3[0]}, name
        for bp in (bp5, bp3):
            distances.append(min(abs(p - bp[1]) for r in parts for c, p in ends(r) if c == bp[0]))
        sa = primary[0].get_tag("SA").rstrip(";").split(";")
        assert {p.split(",")[0] for p in sa} <= on
    # the splice sites' own bases (GT after the 5' exon, AG before the 3' one) often match across the
    # join; an ONT error next to it can stop an extension a few bases short
    assert max(distances) <= (3 if platform == "hifi" else 10), distances
    assert sum(d <= 3 for d in distances) >= 0.8 * len(distances), distances
    assert truth.spanning_fragments == 0 and truth.duplicate_fragments == 0 and truth.aligner == MINIMAP2_LONG_RNA.name


def test_header_names_minimap2_and_its_splice_preset(small):
    for platform, (case, sim) in small.items():
        with pysam.AlignmentFile(str(sim.bam)) as fh:
            programs = [pg for pg in fh.header.to_dict()["PG"] if pg.get("PN") == "minimap2"]
        assert len(programs) == 1 and "-ax splice" in programs[0]["CL"], programs
        assert ("-ax splice:hq" in programs[0]["CL"]) == (platform == "hifi")


def test_truth_counts_the_fusion_molecules_that_hold_the_junction(genome, small):
    """Counted from the molecules themselves: reads holding the exact join with LONG_MIN_ANCHOR bases
    on each side (split), and reads holding any of the 5' partner (fusion)."""
    ann, locus = genome
    case, sim = small["ont"]
    five = transcript(locus, ann, "ETV6", 1, 5)
    three = last_exon_capped(transcript(locus, ann, "NTRK3", 15), last_exon_length(ann, "NTRK3"))
    library = long_read_library(case, locus, ann, _weights(case), 1.0, None, np.random.default_rng(case.seed))
    tmpls = [t for t in library if t.name.startswith("FUS")]
    join = five[-LONG_MIN_ANCHOR:] + three[:LONG_MIN_ANCHOR]
    truth = sim.truth.iloc[0]
    assert len(tmpls) == 20
    assert truth.split_fragments == sum(join in t.seq for t in tmpls) > 10
    assert truth.fusion_fragments == sum(len(t.seq) - t.tail > len(three) for t in tmpls)


def test_lift_keeps_single_end_reads_and_every_sa_part(tmp_path):
    """A long read has no mate (next reference -1) and its SA tag may name several parts."""
    header = {"HD": {"VN": "1.6"}, "SQ": [{"SN": "chr12__1000", "LN": 5000}, {"SN": "chr15__2000", "LN": 5000}],
              "PG": [{"ID": "mm2", "PN": "minimap2", "VN": "2.24", "CL": "minimap2 -ax splice /x/l.fa /x/r.fq"}]}  # fmt: skip
    src = tmp_path / "locus.bam"
    with pysam.AlignmentFile(str(src), "wb", header=header) as out:
        r = pysam.AlignedSegment(out.header)
        r.query_name, r.flag, r.reference_id, r.reference_start, r.mapping_quality = "FUS.000001", 0, 0, 100, 60
        r.next_reference_id, r.next_reference_start = -1, -1
        r.cigarstring, r.query_sequence, r.query_qualities = "50M50S", "A" * 100, pysam.qualitystring_to_array("+" * 100)
        r.set_tag("SA", "chr15__2000,301,-,50S30M20S,60,2;chr15__2000,901,+,80S20M,7,0;")
        out.write(r)
    lifted = records(lift_bam(src, tmp_path / "out.bam", "s"))
    assert len(lifted) == 1
    (r,) = lifted
    assert (r.reference_name, r.reference_start, r.next_reference_id, r.next_reference_start) == ("chr12", 1100, -1, -1)
    assert r.get_tag("SA") == "chr15,2301,-,50S30M20S,60,2;chr15,2901,+,80S20M,7,0;"
    with pysam.AlignmentFile(str(tmp_path / "out.bam")) as fh:
        assert fh.header.to_dict()["PG"][0]["CL"] == "minimap2 -ax splice <path> <path>"
