"""The background model: what a clean negative carries is set aside, visibly; what looks like a
real NTRK junction stays, with a class that decides its bearing on the result.

Small BAMs built here, one per case (no aligner needed)."""

import random

import pytest

from ntrkfusion.vocabulary import CandidateClass
from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.engine import call_sample
from ntrkfusion.calling.evidence import SetAside
from ntrkfusion.testing import Read

ANN = load_annotation("GRCh38")
ETV6_E5_END, NTRK3_E15_START = 11869969, 87940753  # ETV6 + strand, NTRK3 - strand
NTRK1_E10_END, NTRK1_E11_START = ANN.exon_end("NTRK1", 10), ANN.exon_start("NTRK1", 11)


def etv6_ntrk3_split(name: str, etv6_bases: int = 70, mapq: int = 60) -> list[Read]:
    """A fragment across ETV6 e5 -> NTRK3 e15 written as BWA/STAR WithinBAM do (SA tags)."""
    ntrk = 100 - etv6_bases
    e5 = ETV6_E5_END - etv6_bases + 1
    # each fragment its own mate position (f0, f1...): distinct molecules, not PCR copies
    mate = ("chr15", NTRK3_E15_START - 200 - 7 * int("".join(c for c in name if c.isdigit()) or 0))
    return [
        # read 1 reads the fused transcript's sense: forward on ETV6 (+), reverse on NTRK3 (-);
        # read 2, its antisense, lies forward on NTRK3
        Read(name, "chr12", e5, f"{etv6_bases}M{ntrk}S", flag=65, mapq=mapq, mate=mate,
             tags={"SA": f"chr15,{NTRK3_E15_START - ntrk + 1},-,{ntrk}M{etv6_bases}S,{mapq},0;"}),
        Read(name, "chr15", NTRK3_E15_START - ntrk + 1, f"{ntrk}M{etv6_bases}H", flag=2048 | 16 | 65,
             mapq=mapq, mate=mate, tags={"SA": f"chr12,{e5},+,{etv6_bases}M{ntrk}S,{mapq},0;"}),
        Read(name, "chr15", mate[1], "100M", flag=129, mapq=mapq, mate=("chr12", e5)),
    ]  # fmt: skip


def call(bam_factory, reads, assay="rna", **kw):
    return call_sample(bam_factory(reads=reads), "S", assay, ANN, **kw)


def set_aside(result) -> set[str]:
    return set(result.evidence["set_aside"])


def test_bwa_split_of_the_genes_own_splicing_is_set_aside(bam_factory):
    """BWA-MEM writes NTRK1 e10 -> e11 splicing as a split read; it is not a candidate."""
    reads = []
    for i in range(8):
        first = 40 + i  # some reads put the junction a few bases off, as BWA-MEM does
        reads += [Read(f"s{i}", "chr1", NTRK1_E10_END - first + 1, f"{first}M{100 - first}S", flag=0,
                       tags={"SA": f"chr1,{NTRK1_E11_START + (i % 3)},+,{first + i % 3}S{100 - first - i % 3}M,60,0;"})]  # fmt: skip
    result = call(bam_factory, reads)
    assert result.fusions.empty
    assert set_aside(result) == {SetAside.NORMAL_SPLICING}


def test_a_junction_inside_one_ntrk_gene_is_intragenic_not_a_partner(bam_factory):
    mid = ANN.exon_end("NTRK1", 12) + 100  # inside intron 12
    reads = [Read(f"i{i}", "chr1", mid, "60M40S", tags={"SA": f"chr1,{mid + 5000},-,60S40M,60,0;"}) for i in range(6)]
    result = call(bam_factory, reads)
    assert result.fusions.empty and set_aside(result) == {SetAside.INTRAGENIC}


def test_a_single_stray_pair_is_background(bam_factory):
    reads = [Read("stray", "chr15", NTRK3_E15_START - 50, flag=1 | 64, mate=("chr5", 12_000_000))]
    result = call(bam_factory, reads)
    assert result.fusions.empty and set_aside(result) == {SetAside.LONE_FRAGMENT}


def test_mates_cluster_by_locus_not_by_label(bam_factory):
    """Ten mates scattered a megabase apart are ten lone fragments; ten within one fragment
    length of each other are one candidate.  'intergenic' names both; only the place differs."""
    scattered = [Read(f"x{i}", "chr18", 1_000_000 + 3000 * i, flag=1 | 64, mate=("chr5", 3_000_000 + 1_000_000 * i))
                 for i in range(10)]  # fmt: skip
    result = call(bam_factory, [r for r in scattered for r in [_in_ntrk2(r)]], assay="dna")
    assert result.fusions.empty and set_aside(result) == {SetAside.LONE_FRAGMENT}
    clustered = [_in_ntrk2(Read(f"y{i}", "chr18", 0, flag=1 | 64, mate=("chr5", 3_000_000 + 40 * i)), i * 30)
                 for i in range(10)]  # fmt: skip
    (row,) = call(bam_factory, clustered, assay="dna").fusions.itertuples()
    assert row.supporting_fragments == 10 and row.discordant_pairs == 10 and "intergenic" in row.fusion
    assert row.locus3 == "chr5:3000000-3000360"  # NTRK2 is on the - strand: a 5' part joined to chr5
    assert row.classification == CandidateClass.WEAK  # pairs only, no named partner: no bearing on the result


def _in_ntrk2(read: Read, offset: int = 0) -> Read:
    """Move a read into NTRK2 intron 10 (a DNA panel's discordant read)."""
    read.contig, read.pos = "chr9", ANN.exon_end("NTRK2", 10) - 2000 - offset
    return read


def test_mates_in_repeats_are_ambiguous_and_make_no_candidate(bam_factory):
    reads = [_in_ntrk2(Read(f"r{i}", "chr18", 0, flag=1 | 64, mate=("chr7", 5_000_000 + 50 * i), tags={"MQ": 0}), i)
             for i in range(8)]  # fmt: skip
    result = call(bam_factory, reads, assay="dna")
    assert result.fusions.empty and set_aside(result) == {SetAside.AMBIGUOUS_MATE}


def test_mate_mapq_is_read_from_the_mate_when_the_aligner_wrote_no_mq_tag(bam_factory):
    reads = []
    for i in range(8):
        mate_pos = 5_000_000 + 50 * i
        reads += [_in_ntrk2(Read(f"r{i}", "chr18", 0, flag=1 | 64, mate=("chr7", mate_pos)), i),
                  Read(f"r{i}", "chr7", mate_pos, flag=1 | 128, mapq=0, mate=("chr9", 1))]  # fmt: skip
    result = call(bam_factory, reads, assay="dna")
    assert result.fusions.empty and set_aside(result) == {SetAside.AMBIGUOUS_MATE}
    assert set(result.evidence["mapq_b"].dropna()) == {0}


def test_partners_placed_by_a_few_random_bases_are_an_artefact(bam_factory):
    """19-base supplementary alignments (BWA-MEM -T 18) are guesses: short_anchor."""
    reads = [r for i in range(8) for r in etv6_ntrk3_split(f"f{i}", etv6_bases=19)]
    (row,) = call(bam_factory, reads).fusions.itertuples()
    assert "short_anchor" in row.filters.split(";") and row.classification == CandidateClass.ARTEFACT


def test_ambiguous_mapping_with_enough_fragments_is_a_concern_never_dropped(bam_factory):
    """A BAM realigned by an aligner that caps MAPQ: the fusion stays, as ambiguous_mapping."""
    reads = [r for i in range(8) for r in etv6_ntrk3_split(f"f{i}", mapq=2)]
    (row,) = call(bam_factory, reads).fusions.itertuples()
    assert row.filters == "low_mapq" and row.classification == CandidateClass.AMBIGUOUS_MAPPING
    assert row.supporting_fragments == 8 and row.median_mapq == 2


def test_two_fragments_at_an_exact_known_join_qualify_and_say_by_which_rule(bam_factory):
    """Two molecules read across ETV6 e5::NTRK3 e15 at the exon boundaries (the exact-join rule;
    its background in clean libraries: benchmarks/background.py)."""
    reads = [r for i in range(2) for r in etv6_ntrk3_split(f"f{i}")]
    (row,) = call(bam_factory, reads).fusions.itertuples()
    assert (row.filters, row.support_rule, row.required_fragments) == ("", "exact_known_join", 2)
    assert row.classification == CandidateClass.QUALIFYING and row.confidence == "medium"


def test_one_clean_exon_join_is_kept_but_one_off_boundary_read_is_not(bam_factory):
    (row,) = call(bam_factory, etv6_ntrk3_split("one")).fusions.itertuples()
    assert row.classification == CandidateClass.SUBTHRESHOLD and row.supporting_fragments == 1
    off = etv6_ntrk3_split("off")
    for r in off[:2]:  # move the ETV6 side 40 bases into the exon: no longer an exon boundary
        r.tags["SA"] = r.tags["SA"].replace(str(ETV6_E5_END - 69), str(ETV6_E5_END - 109))
    off[0].pos -= 40
    result = call(bam_factory, off)
    assert result.fusions.empty and SetAside.LONE_FRAGMENT in set_aside(result)


def test_a_clip_of_the_genes_own_exon_is_splicing_without_a_reference(bam_factory):
    """Without a reference, the exon sequence is read from the reads over the exon: a clip at
    NTRK1 exon 11 that is exon 10's end is splicing; a clip of other sequence is a candidate."""
    rng = random.Random(1)
    exon10_end = "".join(rng.choice("ACGT") for _ in range(60))
    exon11_start = "".join(rng.choice("ACGT") for _ in range(80))
    other = "".join(rng.choice("ACGT") for _ in range(20))
    over_exon10 = [Read(f"e{i}", "chr1", NTRK1_E10_END - 59, "60M", seq=exon10_end) for i in range(5)]
    spliced = [Read(f"s{i}", "chr1", NTRK1_E11_START, "20S80M", seq=exon10_end[-20:] + exon11_start, flag=97,
                    mate=("chr1", NTRK1_E11_START + 150 + i)) for i in range(4)]  # fmt: skip
    result = call(bam_factory, over_exon10 + spliced)
    assert result.fusions.empty and set_aside(result) == {SetAside.NORMAL_SPLICING}
    fused = [Read(f"f{i}", "chr1", NTRK1_E11_START, "20S80M", seq=other + exon11_start, flag=97,
                  mate=("chr1", NTRK1_E11_START + 250 + i)) for i in range(4)]  # fmt: skip
    (row,) = call(bam_factory, over_exon10 + spliced + fused).fusions.itertuples()
    assert (row.fusion, row.exon3, row.supporting_fragments) == ("unknown::NTRK1", 11, 4)
    assert row.classification == CandidateClass.SUBTHRESHOLD


@pytest.mark.parametrize("n_agreeing, expected", [(1, 0), (3, 1)])
def test_clips_make_a_partner_unknown_candidate_only_when_they_agree(bam_factory, n_agreeing, expected):
    rng = random.Random(2)
    rest = "".join(rng.choice("ACGT") for _ in range(80))
    noise = ["".join(rng.choice("ACGT") for _ in range(20)) for _ in range(3)]  # sequencing noise: all differ
    agreeing = "".join(rng.choice("ACGT") for _ in range(20))
    mate = ("chr1", NTRK1_E11_START + 200)
    reads = [Read(f"n{i}", "chr1", NTRK1_E11_START, "20S80M", seq=s + rest, flag=97, mate=(mate[0], mate[1] + i))
             for i, s in enumerate(noise)]  # fmt: skip
    reads += [Read(f"a{i}", "chr1", NTRK1_E11_START, "20S80M", seq=agreeing + rest, flag=97,
                   mate=(mate[0], mate[1] + 10 + i)) for i in range(n_agreeing)]  # fmt: skip
    assert len(call(bam_factory, reads).fusions) == expected
