"""Evidence that is what it claims (issue 22): a clip at a candidate's breakpoint supports it only
when its bases are the junction's other side, and poly(A), low-complexity and adapter bases
are never a partner.  Small BAMs built here on a synthetic genome (every read aligned at a
position carries that position's base), no reference: the junction sequence comes from the
candidate's split reads."""

import random

import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.complexity import uninformative
from ntrkfusion.calling.engine import call_sample
from ntrkfusion.calling.evidence import SetAside
from ntrkfusion.sequence import revcomp
from ntrkfusion.testing import Read

ANN = load_annotation("GRCh38")
TPM3_E8_END = ANN.exon_end("TPM3", 8)  # TPM3 is on the - strand: exon 8's last base is its leftmost
TPM3_E9_START = ANN.exon_start("TPM3", 9)  # its first base in transcript order: its rightmost
NTRK1_E10_START = ANN.exon_start("NTRK1", 10)  # + strand
_BASES: dict[int, str] = {}


def g(first: int, last: int) -> str:
    """The synthetic genome's chr1 bases first..last (1-based, inclusive), the same for every read."""
    for p in range(first, last + 1):
        if p not in _BASES:
            _BASES[p] = random.Random(p).choice("ACGT")
    return "".join(_BASES[p] for p in range(first, last + 1))


def fusion_fragment(i: int, tpm3: int = 40) -> list[Read]:
    """A TPM3 e8 -> NTRK1 e10 junction read written with an SA tag: primary forward on NTRK1
    (its first ``tpm3`` bases clipped), supplementary reverse on TPM3 (hard-clipped)."""
    ntrk = 100 - tpm3
    five = revcomp(g(TPM3_E8_END, TPM3_E8_END + tpm3 - 1))  # TPM3 exon 8's last bases, transcript orientation
    read = five + g(NTRK1_E10_START, NTRK1_E10_START + ntrk - 1)
    mate = ("chr1", NTRK1_E10_START + 300 + 7 * i)
    return [
        Read(f"f{i}", "chr1", NTRK1_E10_START, f"{tpm3}S{ntrk}M", flag=65, seq=read, mate=mate,
             tags={"SA": f"chr1,{TPM3_E8_END},-,{ntrk}S{tpm3}M,60,0;"}),
        Read(f"f{i}", "chr1", TPM3_E8_END, f"{ntrk}H{tpm3}M", flag=2048 | 16 | 65, seq=revcomp(read)[ntrk:],
             mate=mate, tags={"SA": f"chr1,{NTRK1_E10_START},+,{tpm3}S{ntrk}M,60,0;"}),
    ]  # fmt: skip


def spliced_wild_type_tpm3(name: str = "wt") -> Read:
    """A normal TPM3 exon 9 <- 8 <- 7 read whose exon-9 part was too short to splice: clipped
    at the TPM3::NTRK1 partner breakpoint, its 14 clipped bases from TPM3 exon 9 (issue 22)."""
    seq = g(TPM3_E9_START - 12, TPM3_E9_START) + g(TPM3_E8_END, TPM3_E8_END + 69) + g(TPM3_E8_END + 249, TPM3_E8_END + 265)
    return Read(name, "chr1", TPM3_E8_END + 1, "14S69M179N17M", flag=16, seq=seq)


def tpm3_exon_reads() -> list[Read]:
    """Plain reads over TPM3 exons 8 and 9 (what shows a gene's own exons without a reference)."""
    return [Read(f"e9_{i}", "chr1", TPM3_E9_START - 59 - i, "60M", seq=g(TPM3_E9_START - 59 - i, TPM3_E9_START - i))
            for i in range(3)] + [Read(f"e8_{i}", "chr1", TPM3_E8_END + i, "60M", seq=g(TPM3_E8_END + i, TPM3_E8_END + 59 + i))
                                  for i in range(3)]  # fmt: skip


def true_partner_clip(name: str = "pc") -> Read:
    """A read on TPM3 exon 8 whose clip is NTRK1 exon 10's first bases: the fusion, partner side."""
    seq = revcomp(g(NTRK1_E10_START, NTRK1_E10_START + 19)) + g(TPM3_E8_END, TPM3_E8_END + 79)
    return Read(name, "chr1", TPM3_E8_END, "20S80M", flag=16, seq=seq)


def ntrk_clip(name: str, clip: str) -> Read:
    return Read(name, "chr1", NTRK1_E10_START, f"{len(clip)}S{100 - len(clip)}M", flag=0,
                seq=clip + g(NTRK1_E10_START, NTRK1_E10_START + 99 - len(clip)))  # fmt: skip


def call(bam_factory, reads):
    return call_sample(bam_factory(reads=reads), "S", "rna", ANN)


def the_fusion(result):
    (row,) = [r for r in result.fusions.itertuples() if r.fusion == "TPM3::NTRK1"]
    return row


def reason(result, name: str) -> str:
    return set(result.evidence.loc[result.evidence["read_name"] == name, "set_aside"]).pop()


def test_a_spliced_wild_type_partner_read_is_not_support(bam_factory):
    fusion = [r for i in range(4) for r in fusion_fragment(i, tpm3=36 + i)]
    result = call(bam_factory, fusion + tpm3_exon_reads() + [spliced_wild_type_tpm3()])
    row = the_fusion(result)
    assert (row.supporting_fragments, row.split_reads) == (4, 4)  # the wild-type read is not a fifth
    # four molecules across the exact known join: called by that rule, never with high confidence
    assert (row.filters, row.support_rule, row.confidence) == ("", "exact_known_join", "medium")
    assert reason(result, "wt") == SetAside.NORMAL_SPLICING  # its clip is TPM3's own exon 9


def test_with_the_reference_the_junction_and_the_genes_own_exons_come_from_it(bam_factory, catalogue):
    """The same reads on the catalogue's reference genome (its TPM3 and NTRK1 bases), called with
    the reference: no reads over TPM3 exon 9 are needed to see its splicing."""
    from ntrkfusion.records import read_exon_boundaries

    with pysam.FastaFile(str(catalogue.reference)) as fasta:
        _BASES.clear()
        for lo, hi in ((TPM3_E9_START - 100, TPM3_E8_END + 400), (NTRK1_E10_START - 100, NTRK1_E10_START + 200)):
            _BASES.update(zip(range(lo, hi + 1), fasta.fetch("chr1", lo - 1, hi).upper()))
    try:
        rng = random.Random(7)
        other = "".join(rng.choice("ACGT") for _ in range(20))
        reads = [r for i in range(4) for r in fusion_fragment(i)] + [spliced_wild_type_tpm3(), true_partner_clip(),
                                                                      ntrk_clip("bad", other)]  # fmt: skip
        result = call_sample(bam_factory(reads=reads), "S", "rna", ANN, reference=str(catalogue.reference),
                             boundaries=read_exon_boundaries(catalogue.boundaries))  # fmt: skip
    finally:
        _BASES.clear()  # the synthetic genome again for the other tests
    assert the_fusion(result).supporting_fragments == 5  # 4 split reads and the true partner-side clip
    assert reason(result, "wt") == SetAside.NORMAL_SPLICING and reason(result, "pc") == ""
    assert reason(result, "bad") == SetAside.UNCONFIRMED_CLIP


def test_a_clip_matching_neither_side_is_unconfirmed_without_the_genes_own_exons(bam_factory):
    """Without reads over TPM3 exon 9 its splicing cannot be seen; the clip is still not NTRK1."""
    fusion = [r for i in range(4) for r in fusion_fragment(i)]
    result = call(bam_factory, fusion + [spliced_wild_type_tpm3()])
    assert the_fusion(result).supporting_fragments == 4
    assert reason(result, "wt") == SetAside.UNCONFIRMED_CLIP


def test_clips_whose_bases_are_the_other_side_count(bam_factory):
    fusion = [r for i in range(4) for r in fusion_fragment(i)]
    tpm3_end = revcomp(g(TPM3_E8_END, TPM3_E8_END + 19))  # TPM3 exon 8's last 20 bases, as NTRK1's + strand reads them
    rng = random.Random(5)
    other = "".join(rng.choice("ACGT") for _ in range(20))
    reads = fusion + [true_partner_clip(), ntrk_clip("nc", tpm3_end), ntrk_clip("bad", other)]
    result = call(bam_factory, reads)
    row = the_fusion(result)
    assert row.supporting_fragments == 6  # 4 split reads, the partner-side clip and the matching NTRK clip
    assert reason(result, "pc") == reason(result, "nc") == ""
    assert reason(result, "bad") == SetAside.UNCONFIRMED_CLIP


@pytest.mark.parametrize("seq, expected", [
    ("A" * 30, SetAside.POLY_A), ("TTTTTTTTTTTTGTTTTTTT", SetAside.POLY_A), ("CA" * 10, SetAside.LOW_COMPLEXITY),
    ("CAG" * 7, SetAside.LOW_COMPLEXITY), ("AGATCGGAAGAGCACACGTC", SetAside.ADAPTER),
    ("GTGTGCTCTTCCGATCT", SetAside.ADAPTER), ("ACGTTGCAGGCTAATCCGTA", None),
])  # fmt: skip
def test_uninformative_bases_are_named(seq, expected):
    assert uninformative(seq) == expected


def test_a_long_reads_part_is_judged_by_the_bound_measured_on_100_bases():
    """A 1,400-base part of a long read has at most 64 distinct trinucleotides, below (n - 2) / 4:
    held to the 100-base bound, a transcript's sequence is informative, a long repeat is not."""
    rng = random.Random(7)
    transcript = "".join(rng.choice("ACGT") for _ in range(1400))
    assert uninformative(transcript) is None
    assert uninformative("CAG" * 400) == SetAside.LOW_COMPLEXITY and uninformative("A" * 1400) == SetAside.POLY_A


def test_poly_a_clips_at_the_last_ntrk_exon_make_no_candidate(bam_factory):
    """Transcripts' poly(A) tails read past NTRK1's last exon: clipped there, all agreeing."""
    last = int(ANN.exons("NTRK1")["exon_number"].max())
    end = ANN.exon_end("NTRK1", last)
    tails = [Read(f"t{i}", "chr1", end - 69, "70M30S", seq=g(end - 69, end) + "A" * 30, flag=97,
                  mate=("chr1", end - 400 - i)) for i in range(8)]  # fmt: skip
    result = call(bam_factory, tails)
    assert result.fusions.empty
    assert set(result.evidence["set_aside"]) == {SetAside.POLY_A}


def test_low_complexity_mates_make_no_candidate(bam_factory):
    """Mates made of a short repeat, placed far away (another chromosome), are background."""
    start = NTRK1_E10_START
    reads = []
    for i in range(6):
        reads += [Read(f"m{i}", "chr1", start + 10 * i, flag=97, mate=("chr5", 1_000_000 + 37 * i)),
                  Read(f"m{i}", "chr5", 1_000_000 + 37 * i, flag=145, seq="CA" * 50, mate=("chr1", start + 10 * i))]
    result = call(bam_factory, reads)
    assert result.fusions.empty
    assert set(result.evidence["set_aside"]) == {SetAside.LOW_COMPLEXITY}


def test_a_neural_negative_with_poly_a_tails_is_negative_with_its_tails_set_aside(analysed):
    """The simulated neural-tissue negative with poly(A) tails (``negative_rna_neural_polya``):
    STAR places the tails' A/T runs in NTRK3 and clips them at the last exons; before issue 22
    they were 17 candidates (``EMC7::NTRK3`` 57 fragments, median MAPQ 1, ...)."""
    case = analysed["negative_rna_neural_polya"]
    record = case.qc.to_json()
    assert record["result"] == "NEGATIVE" and case.fusions.empty
    set_aside = record["background"]["evidence_set_aside"]
    assert set_aside[SetAside.POLY_A] > 100 and set_aside[SetAside.POLY_A] > 10 * sum(
        n for reason, n in set_aside.items() if reason != SetAside.POLY_A)
