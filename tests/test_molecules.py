"""Molecules (UMIs, fragment keys) and reads an aligner left unaligned, on records built here."""

from __future__ import annotations

import random

import pandas as pd
import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.clips import BOUNDARY_COLUMNS, KEY, ExonBoundaryIndex
from ntrkfusion.calling.evidence import Evidence, UnalignedRead, fragment_key
from ntrkfusion.calling.junctions import Side
from ntrkfusion.calling.molecules import UmiReader, count_fragments
from ntrkfusion.calling.unaligned import place_unaligned
from ntrkfusion.vocabulary import EvidenceKind
from ntrkfusion.genome import ContigNames
from ntrkfusion.sequence import revcomp
from ntrkfusion.testing import Read

ANN = load_annotation("GRCh38")


def ev(name, key="k", umi="", duplicate=False):
    return Evidence(name, "NTRK3", "split", 0, 60, duplicate, key, Side("chr15", 1, "left"), None, umi=umi)


def test_fragments_at_one_position_are_told_apart_by_umi():
    same_place = [ev("a", umi="AAAACCCC"), ev("b", umi="AAAACCCC"), ev("c", umi="GGGGTTTT")]
    counts = count_fragments(same_place)
    assert (counts["supporting_fragments"], counts["supporting_reads"], counts["duplicate_fragments"]) == (2, 3, 1)
    # without UMIs the same three fragments are one molecule (unique start sites)
    assert count_fragments([ev(e.read_name) for e in same_place])["supporting_fragments"] == 1


def test_a_umi_one_base_from_a_commoner_one_is_a_sequencing_error():
    family = [ev("a", umi="AAAACCCC"), ev("b", umi="AAAACCCC"), ev("c", umi="AAAACCCA")]
    assert count_fragments(family)["supporting_fragments"] == 1
    two_apart = [ev("a", umi="AAAACCCC"), ev("b", umi="AAAACCCC"), ev("c", umi="AAAACCGA")]
    assert count_fragments(two_apart)["supporting_fragments"] == 2
    # the same UMI at another position is another molecule
    assert count_fragments([ev("a", umi="AAAACCCC"), ev("b", key="k2", umi="AAAACCCC")])["supporting_fragments"] == 2


def segment(name: str, tags: dict | None = None) -> pysam.AlignedSegment:
    header = pysam.AlignmentHeader.from_dict({"SQ": [{"SN": "chr15", "LN": 100_000_000}]})
    seg = pysam.AlignedSegment(header)
    seg.query_name, seg.reference_id, seg.reference_start, seg.cigarstring = name, 0, 100, "10M"
    seg.query_sequence = "ACGTACGTAC"
    for tag, value in (tags or {}).items():
        seg.set_tag(tag, value)
    return seg


def test_umis_are_read_from_the_rx_tag_or_the_read_name():
    assert UmiReader("RX")(segment("r1", {"RX": "ACGTTGCA"})) == "ACGTTGCA"
    assert UmiReader("RX")(segment("r1")) == ""
    by_name = UmiReader("read_name")
    assert by_name(segment("NB551:12:HXXX:1:11101:1000:2000_ACGTTGCA")) == "ACGTTGCA"  # UMI-tools
    assert by_name(segment("NB551:12:HXXX:1:11101:1000:2000:ACGTTGCA")) == "ACGTTGCA"  # bcl-convert
    assert by_name(segment("NB551:12:HXXX:1:11101:1000:2000")) == ""
    assert UmiReader("none")(segment("r1", {"RX": "ACGTTGCA"})) == ""
    with pytest.raises(ValueError, match="umi source 'rx'"):
        UmiReader("rx")


ETV6_E5_END, NTRK3_E15_START = ANN.exon_end("ETV6", 5), ANN.exon_start("NTRK3", 15)


def split_read(name: str, primary_at_partner: bool) -> list[Read]:
    """Read 1 across ETV6 e5 -> NTRK3 e15, with either part written as the primary record."""
    e5, n3 = ETV6_E5_END - 69, NTRK3_E15_START - 29
    mate = ("chr15", NTRK3_E15_START - 200)
    etv6 = Read(name, "chr12", e5, "70M30S" if primary_at_partner else "70M30H", flag=65 | 32,
                tags={"SA": f"chr15,{n3},-,30M70S,60,0;"}, mate=mate)  # fmt: skip
    ntrk3 = Read(name, "chr15", n3, "30M70H" if primary_at_partner else "30M70S", flag=65 | 32 | 16,
                 tags={"SA": f"chr12,{e5},+,70M30S,60,0;"}, mate=mate)  # fmt: skip
    (etv6 if not primary_at_partner else ntrk3).flag |= 2048
    return [etv6, ntrk3]


def test_split_read_records_share_one_fragment_key_whichever_part_is_primary(bam_factory):
    bam = bam_factory(reads=split_read("x", True) + split_read("y", False))
    with pysam.AlignmentFile(str(bam)) as f:
        keys = {(r.query_name, r.is_supplementary): fragment_key(r) for r in f.fetch(until_eof=True)}
    assert len(keys) == 4 and len(set(keys.values())) == 1, keys


def boundary_index() -> tuple[ExonBoundaryIndex, str, str]:
    """ETV6 exon 5's last 60 spliced bases and NTRK3 exon 15's first 60, made up here."""
    rng = random.Random(3)
    etv6 = "".join(rng.choice("ACGT") for _ in range(60))
    ntrk3 = "".join(rng.choice("ACGT") for _ in range(60))
    rows = [("end", etv6[-KEY:], etv6, "ETV6", 5, "chr12", ETV6_E5_END, "+"),
            ("start", ntrk3[:KEY], ntrk3, "NTRK3", 15, "chr15", NTRK3_E15_START, "-")]  # fmt: skip
    return ExonBoundaryIndex(pd.DataFrame(rows, columns=BOUNDARY_COLUMNS)), etv6, ntrk3


def unaligned(name: str, seq: str) -> UnalignedRead:
    return UnalignedRead(name, "NTRK3", "chr15", seq, 0x1 | 0x4 | 0x40, False, name, "", mate_mapq=60)


def test_an_unaligned_read_across_the_junction_is_placed_at_both_exon_boundaries():
    index, etv6, ntrk3 = boundary_index()
    contigs = ContigNames(("chr12", "chr15"))
    fused = etv6[-40:] + ntrk3  # 40 bases of ETV6, then NTRK3 exon 15: a 100-base read
    reads = [unaligned("sense", fused), unaligned("antisense", revcomp(fused)),
             unaligned("wild_type", "A" * 40 + ntrk3), unaligned("too_little_ntrk", etv6 + ntrk3[:15])]  # fmt: skip
    placed = {e.read_name: e for e in place_unaligned(reads, index, ANN, contigs, min_clip=12)}
    assert set(placed) == {"sense", "antisense"}
    for e in placed.values():
        assert e.kind == EvidenceKind.UNALIGNED and e.mapq == 60 and (e.anchor_a, e.anchor_b) == (60, 40)
        assert e.side_a == Side("chr15", NTRK3_E15_START, "left")  # NTRK3 on the minus strand keeps its left
        assert e.side_b == Side("chr12", ETV6_E5_END, "left")  # ETV6 (plus strand) keeps its 5' end
