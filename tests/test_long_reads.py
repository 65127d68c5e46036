"""Long reads (PacBio, Oxford Nanopore; minimap2 -ax splice): one read is one molecule, a fusion one
read in several SA-linked alignments, supplementaries hard-clipped, clips the read's ends.  Small
BAMs built here, one edge case each, no aligner needed (the simulated long-read cases are in the
catalogue's truth tests)."""

import pysam
import pytest

from ntrkfusion.aligners import aligner, long_reads
from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.engine import CallSettings, call_sample
from ntrkfusion.calling.evidence import SetAside
from ntrkfusion.qc.flags import QCSettings, checks, flags_from
from ntrkfusion.qc.lod import kind_of
from ntrkfusion.testing import Read

ANN = load_annotation("GRCh38")
LONG, SHORT = CallSettings(long_reads=True), CallSettings()
ETV6_E5 = (11869670, 300)  # the last 300 bases of ETV6 exon 5 (1-based start, length); + strand
NTRK3_E15 = (87940623, 131)  # NTRK3 exon 15, whole; - strand
NTRK3_E16 = (87933012, 173)  # NTRK3 exon 16, whole
NTRK3_LAST_EXON_END = 87859751  # NTRK3 exon 20's first base on the genome: the transcript's 3' end


def _sa(*parts) -> str:
    return "".join(f"{c},{p},{s},{cigar},60,0;" for c, p, s, cigar in parts)


def three_part_read(name: str, reverse: bool = False) -> list[Read]:
    """ETV6 e5 (300 bases) -> NTRK3 e15 -> NTRK3 e16 as minimap2 writes a read it aligns in three
    parts: the longest primary, the others supplementary and hard-clipped, each record's SA tag
    naming the other two.  ``reverse``: the read was sequenced from the other strand (half of an
    unstranded cDNA library), so every part lies on the other strand, the CIGARs unchanged."""
    fwd, rev = ("-", "+") if reverse else ("+", "-")
    p1 = ("chr12", ETV6_E5[0], fwd, "300M304S")
    p2 = ("chr15", NTRK3_E15[0], rev, "173S131M300S")
    p3 = ("chr15", NTRK3_E16[0], rev, "173M431S")
    strand = 16 if reverse else 0
    return [Read(name, "chr12", p1[1], p1[3], flag=strand, tags={"SA": _sa(p2, p3)}),
            Read(name, "chr15", p2[1], "173H131M300H", flag=2048 | (16 - strand), tags={"SA": _sa(p1, p3)}),
            Read(name, "chr15", p3[1], "173M431H", flag=2048 | (16 - strand), tags={"SA": _sa(p1, p2)})]  # fmt: skip


@pytest.mark.parametrize("command, name, long", [
    ("minimap2 -ax splice -uf --secondary=no ref.fa reads.fq", "minimap2 (spliced long reads)", True),
    ("minimap2 -t 8 -ax splice:hq -uf --junc-bed anno.bed ref.fa reads.fq", "minimap2 (spliced long reads)", True),
    ("minimap2 -a -x splice:sr ref.fa r1.fq r2.fq", "minimap2", False),  # minimap2's short-read RNA preset
    ("minimap2 -ax sr ref.fa r1.fq r2.fq", "minimap2", False),
    ("minimap2 -ax map-ont ref.fa reads.fq", "minimap2 (long reads, unspliced)", True),
])  # fmt: skip
def test_long_reads_are_recognised_from_the_aligners_command_line(command, name, long):
    found = aligner({"PG": [{"ID": "minimap2", "PN": "minimap2", "VN": "2.26", "CL": command}]})
    assert (found.name, found.long_reads) == (name, long)


def test_pbmm2_iso_seq_and_the_config_setting():
    iso = aligner({"PG": [{"ID": "pbmm2", "PN": "pbmm2", "CL": "pbmm2 align --preset ISOSEQ --sort ref.mmi in.bam"}]})
    assert (iso.name, iso.spliced, iso.long_reads) == ("pbmm2 (Iso-Seq)", True, True)
    lost = aligner({"PG": [{"ID": "samtools", "PN": "samtools"}]})  # a header that lost the aligner's line
    assert (long_reads(lost, "auto"), long_reads(lost, True), long_reads(iso, False)) == (False, True, False)


def test_the_checks_record_long_reads_from_the_header_or_the_config(bam_factory):
    from ntrkfusion.bam_input import inspect_sample
    from ntrkfusion.samplesheet import Sample

    pg = [{"ID": "minimap2", "PN": "minimap2", "VN": "2.26", "CL": "minimap2 -ax splice:hq -uf ref.fa reads.fq"}]
    iso, plain = bam_factory("iso.bam", programs=pg), bam_factory("plain.bam")
    assert inspect_sample(Sample(sample="iso", bam=iso, assay="rna")).long_reads is True
    assert inspect_sample(Sample(sample="plain", bam=plain, assay="rna")).long_reads is False
    assert inspect_sample(Sample(sample="plain", bam=plain, assay="rna"), long_reads=True).long_reads is True


def test_a_three_part_read_gives_the_exact_exon_join(bam_factory):
    bam = bam_factory(reads=[r for i in range(3) for r in three_part_read(f"lr{i}")])
    result = call_sample(bam, "S", "rna", ANN, settings=LONG)
    top = result.fusions.iloc[0]
    assert (top.fusion, top.exon5, top.exon3) == ("ETV6::NTRK3", 5, 15)
    assert (top.breakpoint5, top.breakpoint3) == ("chr12:11869969", "chr15:87940753")
    assert (top.split_reads, top.discordant_pairs, top.supporting_fragments, top.filters) == (3, 0, 3, "")
    ev = result.evidence
    # the NTRK3 e15 -> e16 junction between the second and third parts is the gene's own splicing
    own = ev[ev["chrom_b"] == "chr15"]
    assert len(own) == 6 and set(own["set_aside"]) == {SetAside.NORMAL_SPLICING}  # each read's e15 and e16 records


def test_identical_long_reads_are_molecules_not_copies(bam_factory):
    """Full-length reads of one transcript start and end at the same places: as short read pairs
    they would be PCR copies; a long read is a molecule of its own."""
    bam = bam_factory(reads=[r for i in range(3) for r in three_part_read(f"lr{i}")])
    long, short = (call_sample(bam, "S", "rna", ANN, settings=s).fusions.iloc[0] for s in (LONG, SHORT))
    assert (long.supporting_fragments, long.duplicate_fragments) == (3, 0)
    assert (short.supporting_fragments, short.duplicate_fragments) == (1, 2)


def test_a_hard_clipped_supplementary_holds_no_bases_beyond_the_junction(bam_factory):
    bam = bam_factory(reads=three_part_read("lr0"))
    ev = call_sample(bam, "S", "rna", ANN, settings=LONG).evidence
    supplementary = ev[(ev["flag"] & 2048) > 0]
    assert len(supplementary) and set(supplementary["clip_seq"]) == {""}


def test_a_read_from_the_other_strand_gives_the_same_fusion(bam_factory):
    reads = [r for i in range(2) for r in three_part_read(f"lr{i}")] + three_part_read("rv0", reverse=True)
    top = call_sample(bam_factory(reads=reads), "S", "rna", ANN, settings=LONG).fusions.iloc[0]
    assert (top.fusion, top.breakpoint5, top.breakpoint3) == ("ETV6::NTRK3", "chr12:11869969", "chr15:87940753")
    assert top.supporting_fragments == 3


@pytest.mark.parametrize("clip, reason", [("T" * 30, SetAside.POLY_A), ("GATCGGAAGTCCTTAGCAACGTGTCA", SetAside.LONG_READ_END)])
def test_a_clip_at_the_last_exon_is_the_reads_end_not_a_candidate(bam_factory, clip, reason):
    """Wild-type NTRK3 reads to the transcript's 3' end, then its poly(A) tail (poly(T) on the
    genome's strand) or untemplated bases, soft-clipped: background, never NTRK3::unknown."""
    reads = [Read(f"wt{i}", "chr15", NTRK3_LAST_EXON_END, f"{len(clip)}S600M", flag=16,
                  seq=clip + "ACGT" * 150) for i in range(6)]  # fmt: skip
    long = call_sample(bam_factory(reads=reads), "S", "rna", ANN, settings=LONG)
    assert len(long.fusions) == 0 and set(long.evidence["set_aside"]) == {reason}


def test_long_read_qc_has_no_duplicate_rate_and_its_own_integrity():
    metrics = dict(long_reads=True, duplicate_rate=None, median_read_length=1450.0, read_lengths_measured=800,
                   full_length_fraction=0.62, housekeeping_expressed_fraction=1.0, housekeeping_expressed="10/10")  # fmt: skip
    decided = checks("rna", metrics, 60, None, 500, QCSettings())
    by_metric = {c.metric: c for c in decided}
    assert by_metric["duplicate_rate"].status == "reported" and "long reads" in by_metric["duplicate_rate"].threshold
    assert "median_fragment_length" not in by_metric
    assert by_metric["median_read_length"].shown == "1450 bases (800 reads)"
    assert by_metric["full_length_fraction"].shown == "62%"
    assert "LOW_LIBRARY_COMPLEXITY" not in flags_from(decided, "rna", metrics)
    assert kind_of("rna", "minimap2 (spliced long reads)", False, long_reads=True) == "rna_long_read"


def test_the_report_shows_each_long_reads_exon_path(bam_factory, tmp_path):
    from ntrkfusion.report.reads import write_supporting_reads

    bam = bam_factory(reads=[r for i in range(2) for r in three_part_read(f"lr{i}")] + three_part_read("rv0", True))
    result = call_sample(bam, "S", "rna", ANN, settings=LONG)
    with pysam.AlignmentFile(str(bam)) as opened:
        reads = write_supporting_reads(opened, result.evidence, result.fusions, tmp_path / "reads.bam", ANN)
    assert reads.paths == {1: [("ETV6 e5 → NTRK3 e15–e16", 3)]}
