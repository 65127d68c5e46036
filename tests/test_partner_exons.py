"""Reads at a known 5' partner's exon end that continue into an NTRK exon (calling/partner_exons.py):
what STAR without chimeric output (a clip in the partner) and HISAT2 (a read left unaligned beside a
partner mate) leave of a fusion outside the NTRK loci.  Small BAMs, one edge case each, and a
boundary table made here (the reference's sequence is not needed to test the look-up)."""

import random

import pandas as pd
import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.clips import BOUNDARY_COLUMNS, ExonBoundaryIndex
from ntrkfusion.calling.engine import CallSettings, call_sample
from ntrkfusion.calling.partner_exons import known_5prime_partners, partner_exon_evidence
from ntrkfusion.genome import ContigNames
from ntrkfusion.sequence import revcomp
from ntrkfusion.testing import Read

ANN = load_annotation("GRCh38")
_rng = random.Random(7)
ETV6_E5_END_SEQ = "".join(_rng.choice("ACGT") for _ in range(60))  # the 60 bases ending at ETV6 exon 5's last base
NTRK3_E15_SEQ = "".join(_rng.choice("ACGT") for _ in range(60))  # the 60 bases from NTRK3 exon 15's first base
GPI_E10_END_SEQ = "".join(_rng.choice("ACGT") for _ in range(60))
ETV6_E5_END, NTRK3_E15_START = 11869969, 87940753  # 1-based; ETV6 on +, NTRK3 on -
MIN_CLIP, SNAP = 12, 5
PAIR, PROPER, R1, R2, REV, MATE_REV, UNMAPPED, MATE_UNMAPPED = 0x1, 0x2, 0x40, 0x80, 0x10, 0x20, 0x4, 0x8


def _table() -> pd.DataFrame:
    gpi_end = ANN.exon_end("GPI", 10)
    rows = [("end", ETV6_E5_END_SEQ[-12:], ETV6_E5_END_SEQ, "ETV6", 5, "chr12", ETV6_E5_END, "+"),
            ("start", NTRK3_E15_SEQ[:12], NTRK3_E15_SEQ, "NTRK3", 15, "chr15", NTRK3_E15_START, "-"),
            ("end", GPI_E10_END_SEQ[-12:], GPI_E10_END_SEQ, "GPI", 10, ANN.transcript("GPI")["chrom"], gpi_end,
             ANN.transcript("GPI")["strand"])]  # fmt: skip
    return pd.DataFrame(rows, columns=BOUNDARY_COLUMNS)


def _pair(name: str, pos: int, cigar: str, seq: str, mate_pos: int = 11869500) -> list[Read]:
    """A read clipped in ETV6 exon 5, and its mate upstream in the same exon."""
    return [Read(name, "chr12", pos, cigar, flag=PAIR | PROPER | R1 | MATE_REV, seq=seq, mate=("chr12", mate_pos)),
            Read(name, "chr12", mate_pos, "100M", flag=PAIR | PROPER | R2 | REV, mate=("chr12", pos))]  # fmt: skip


def _clipped(name: str, overhang: int = 0) -> list[Read]:
    """STAR without chimeric output: 49 ETV6 bases aligned to the exon end (``overhang`` more NTRK3
    bases matched by chance across it), the other 51 - overhang NTRK3 bases soft-clipped."""
    seq = ETV6_E5_END_SEQ[-49:] + NTRK3_E15_SEQ[:51]
    return _pair(name, ETV6_E5_END - 48, f"{49 + overhang}M{51 - overhang}S", seq)


def _unaligned(name: str, mate_pos: int = 11869600) -> list[Read]:
    """HISAT2: the read across the junction left unaligned (placed at its mate's position, read
    from the other strand), its mate aligned in ETV6 exon 5 with the mate-unmapped flag."""
    seq = revcomp(ETV6_E5_END_SEQ[-40:] + NTRK3_E15_SEQ[:60])
    return [Read(name, "chr12", mate_pos, "100M", flag=PAIR | R1 | MATE_UNMAPPED, mate=("chr12", mate_pos)),
            Read(name, "chr12", mate_pos, flag=PAIR | R2 | UNMAPPED, seq=seq, mate=("chr12", mate_pos))]  # fmt: skip


def _evidence(bam_path, table: pd.DataFrame | None = None) -> list:
    table = _table() if table is None else table
    with pysam.AlignmentFile(str(bam_path)) as bam:
        found, genes = partner_exon_evidence(bam, ANN, ContigNames(tuple(bam.references)), ExonBoundaryIndex(table),
                                             MIN_CLIP, SNAP)  # fmt: skip
    assert genes == tuple(known_5prime_partners(ANN))  # every partner's exons read (the header has every contig)
    return found


def test_the_known_partners_come_from_the_curated_table():
    pairs = known_5prime_partners(ANN)
    assert pairs["ETV6"] == ("NTRK3",) and pairs["SQSTM1"] == ("NTRK1", "NTRK2", "NTRK3")
    assert "GPI" not in pairs  # not a known partner: its reads are not looked at


def test_a_partner_read_clipped_at_the_exon_end_into_an_ntrk_exon_start(bam_factory):
    found = _evidence(bam_factory(reads=_clipped("star1")))
    assert [(e.read_name, e.kind, e.region) for e in found] == [("star1", "partner_clip", "NTRK3")]
    ev = found[0]
    assert (ev.side_a.chrom, ev.side_a.pos, ev.side_a.keep) == ("chr15", NTRK3_E15_START, "left")
    assert (ev.side_b.chrom, ev.side_b.pos, ev.side_b.keep) == ("chr12", ETV6_E5_END, "left")
    assert (ev.clip_seq, ev.anchor_a, ev.anchor_b) == (NTRK3_E15_SEQ[:51], 51, 49)


def test_bases_matched_by_chance_beyond_the_exon_end_are_given_back_to_the_clip(bam_factory):
    ev = _evidence(bam_factory(reads=_clipped("star2", overhang=2)))[0]
    assert (ev.side_b.pos, ev.clip_seq, ev.anchor_b) == (ETV6_E5_END, NTRK3_E15_SEQ[:51], 49)


def test_a_clip_that_is_no_ntrk_exon_or_not_at_an_exon_end_is_not_evidence(bam_factory):
    other = _pair("other", ETV6_E5_END - 48, "49M51S", ETV6_E5_END_SEQ[-49:] + "".join(_rng.choice("ACGT") for _ in range(51)))
    mid = _pair("mid", ETV6_E5_END - 78, "49M51S", ETV6_E5_END_SEQ[-49:] + NTRK3_E15_SEQ[:51])  # 30 bases inside the exon
    short = _pair("short", ETV6_E5_END - 84, "85M15S", "A" * 85 + NTRK3_E15_SEQ[:15])  # 15 NTRK3 bases: < 20
    split = _clipped("split")
    split[0].tags = {"SA": "chr15,87940700,-,49S51M,60,0;"}  # a split-read aligner's: the NTRK locus has it
    noise = _unaligned("noise", mate_pos=11869300)
    noise[1].seq = "".join(_rng.choice("ACGT") for _ in range(100))  # unaligned, but no junction in it
    reads = other + mid + short + split + noise
    assert _evidence(bam_factory(reads=reads)) == []


def test_a_read_left_unaligned_beside_a_partner_mate_is_placed_by_its_sequence(bam_factory):
    found = _evidence(bam_factory(reads=_unaligned("hisat1")))
    assert [(e.read_name, e.kind, e.region) for e in found] == [("hisat1", "unaligned", "NTRK3")]
    ev = found[0]
    assert (ev.side_a.pos, ev.side_b.pos, ev.anchor_a, ev.anchor_b) == (NTRK3_E15_START, ETV6_E5_END, 60, 40)


def test_a_novel_partner_is_not_read(bam_factory):
    gpi = ANN.transcript("GPI")
    end = ANN.exon_end("GPI", 10)
    seq = GPI_E10_END_SEQ[-49:] + NTRK3_E15_SEQ[:51]
    if gpi["strand"] == "-":
        read = Read("gpi", gpi["chrom"], end, "51S49M", flag=PAIR | R1, seq=revcomp(seq), mate=(gpi["chrom"], end + 200))
    else:
        read = Read("gpi", gpi["chrom"], end - 48, "49M51S", flag=PAIR | R1, seq=seq, mate=(gpi["chrom"], end - 300))
    assert _evidence(bam_factory(reads=[read])) == []


def test_two_such_molecules_call_an_exact_known_join(bam_factory):
    bam = bam_factory(reads=_clipped("star1") + _unaligned("hisat1"))
    fusions = call_sample(bam, "S", "rna", ANN, boundaries=_table(), settings=CallSettings(read_partner_exons=True)).fusions
    top = fusions.iloc[0]
    assert (top.fusion, top.exon5, top.exon3, top.breakpoint5, top.breakpoint3) == (
        "ETV6::NTRK3", 5, 15, f"chr12:{ETV6_E5_END}", f"chr15:{NTRK3_E15_START}")  # fmt: skip
    assert (top.split_reads, top.supporting_fragments, top.support_rule, top.filters, top.classification) == (
        2, 2, "exact_known_join", "", "qualifying")  # fmt: skip


def test_only_the_aligners_that_write_no_split_reads_have_their_partners_read(bam_factory):
    from ntrkfusion.aligners import by_name

    names = ("STAR (no chimeric output)", "HISAT2", "unknown (samtools)", "STAR (chimeric WithinBAM)", "BWA-MEM")
    assert [by_name(n).split_reads is not True for n in names] == [True, True, True, False, False]
    bam = bam_factory(reads=_clipped("star1") + _unaligned("hisat1"))
    assert call_sample(bam, "S", "rna", ANN, boundaries=_table()).fusions.empty  # the default: NTRK loci only


def test_the_result_and_the_report_say_when_the_partners_exons_were_read(analysed):
    """STAR without chimeric output and HISAT2: the known partners' exons read (bam_info.json,
    qc.json inputs, the report's methods); STAR with chimeric output and BWA-MEM: the NTRK loci only."""
    from ntrkfusion.records import read_bam_info

    for case, read in (("etv6_ntrk3_nochim", True), ("etv6_ntrk3_hisat2", True), ("etv6_ntrk3", False),
                       ("etv6_ntrk3_bwa", False)):  # fmt: skip
        genes = analysed[case].qc.inputs["partner_genes"]
        assert bool(genes) is read and (not read or "ETV6" in genes)
        assert list(read_bam_info(analysed[case].folder / "bam_info.json").partner_genes) == genes
        html = (analysed[case].folder / "report.html").read_text()
        assert ("is not known to write split reads, the exons of the "
                f"{len(genes)} known 5′ partner genes" in html) is read  # fmt: skip


def _junction_reads(partner: str, exon5: int, ntrk: str, exon3: int, overhang: int = 0):
    """Any known partner, either strand: a boundary table of the partner's exon end and the NTRK
    exon start, a STAR-style read clipped at the exon end (``overhang`` NTRK bases aligned by
    chance) and a HISAT2-style unaligned read beside a mate in the partner's exon."""
    end, start = ANN.exon_end(partner, exon5), ANN.exon_start(ntrk, exon3)
    p, n = ANN.transcript(partner), ANN.transcript(ntrk)
    pseq, nseq = "".join(_rng.choice("ACGT") for _ in range(60)), "".join(_rng.choice("ACGT") for _ in range(60))
    table = pd.DataFrame([("end", pseq[-12:], pseq, partner, exon5, p["chrom"], end, p["strand"]),
                          ("start", nseq[:12], nseq, ntrk, exon3, n["chrom"], start, n["strand"])],
                         columns=BOUNDARY_COLUMNS)  # fmt: skip
    tx, c = pseq[-49:] + nseq[:51], p["chrom"]  # the read across the junction, along the fused transcript
    exon = ANN.exons(partner).set_index("exon_number").loc[exon5]  # 0-based start, 1-based end
    if p["strand"] == "+":
        beside = max(int(exon["start"]) + 1, end - 150)  # the unaligned read's mate, in the exon
        pos, cigar, seq, mate = end - 48, f"{49 + overhang}M{51 - overhang}S", tx, end - 400
        clipped = [Read("star1", c, pos, cigar, flag=PAIR | PROPER | R1 | MATE_REV, seq=seq, mate=(c, mate)),
                   Read("star1", c, mate, "100M", flag=PAIR | PROPER | R2 | REV, mate=(c, pos))]  # fmt: skip
    else:  # the genome's forward strand holds the reverse complement: the NTRK bases clipped on the left
        beside = min(int(exon["end"]), end + 5)
        pos, cigar, seq, mate = end - overhang, f"{51 - overhang}S{49 + overhang}M", revcomp(tx), end + 300
        clipped = [Read("star1", c, pos, cigar, flag=PAIR | PROPER | R1 | REV, seq=seq, mate=(c, mate)),
                   Read("star1", c, mate, "100M", flag=PAIR | PROPER | R2 | MATE_REV, mate=(c, pos))]  # fmt: skip
    unaligned = [Read("hisat1", c, beside, "100M", flag=PAIR | R1 | MATE_UNMAPPED, mate=(c, beside)),
                 Read("hisat1", c, beside, flag=PAIR | R2 | UNMAPPED, seq=pseq[-40:] + nseq[:60], mate=(c, beside))]  # fmt: skip
    return table, clipped + unaligned, (f"{c}:{end}", f"{n['chrom']}:{start}")


@pytest.mark.parametrize("partner, exon5, ntrk, exon3, overhang", [
    ("TPM3", 8, "NTRK1", 10, 0), ("TPM3", 8, "NTRK1", 10, 2),  # a minus-strand partner, NTRK on plus
    ("BTBD1", 4, "NTRK3", 12, 3),  # both on minus
    ("ETV6", 5, "NTRK3", 15, 1),
])  # fmt: skip
def test_partners_on_either_strand_give_the_exact_breakpoints(bam_factory, partner, exon5, ntrk, exon3, overhang):
    table, reads, (bp5, bp3) = _junction_reads(partner, exon5, ntrk, exon3, overhang)
    bam = bam_factory(reads=reads)
    top = call_sample(bam, "S", "rna", ANN, boundaries=table, settings=CallSettings(read_partner_exons=True)).fusions.iloc[0]
    assert (top.fusion, top.exon5, top.exon3, top.breakpoint5, top.breakpoint3) == (f"{partner}::{ntrk}", exon5, exon3, bp5, bp3)
    assert (top.split_reads, top.supporting_fragments, top.support_rule, top.classification) == (
        2, 2, "exact_known_join", "qualifying")  # fmt: skip


def test_a_clip_that_also_starts_the_partners_own_next_exon_counts_for_none(bam_factory):
    table, reads, _ = _junction_reads("TPM3", 8, "NTRK1", 10)
    bam = bam_factory(reads=reads[:2])
    assert [e.kind for e in _evidence(bam, table)] == ["partner_clip"]
    ntrk_start = table.iloc[1]
    own = ("start", ntrk_start.key, ntrk_start.seq, "TPM3", 9, "chr1", ANN.exon_start("TPM3", 9), "-")  # its splicing
    assert _evidence(bam, pd.concat([table, pd.DataFrame([own], columns=BOUNDARY_COLUMNS)], ignore_index=True)) == []


def test_a_read_placed_for_two_ntrk_genes_counts_for_neither(bam_factory):
    """SQSTM1 joins NTRK1, NTRK2 and NTRK3: an unaligned read whose bases start exons of two of them
    (paralogs) names no NTRK gene."""
    table, reads, _ = _junction_reads("SQSTM1", 5, "NTRK2", 12)
    bam = bam_factory(reads=reads[2:])
    assert [(e.kind, e.region) for e in _evidence(bam, table)] == [("unaligned", "NTRK2")]
    twin = table.iloc[1]
    other = ("start", twin.key, twin.seq, "NTRK1", 10, "chr1", ANN.exon_start("NTRK1", 10), "+")
    assert _evidence(bam, pd.concat([table, pd.DataFrame([other], columns=BOUNDARY_COLUMNS)], ignore_index=True)) == []


def test_every_partner_clip_keeps_the_ntrk_3prime_side(analysed):
    """NTRK3 lies on the minus strand: as the 3' partner it keeps the bases left of its breakpoint,
    whichever path found the partner-side clip (the known partners' exons, or the rescue at a
    candidate's partner breakpoint, which once wrote "right")."""
    for case in ("etv6_ntrk3", "etv6_ntrk3_nochim", "etv6_ntrk3_hisat2", "amp_etv6_ntrk3", "novel_gpi_ntrk3"):
        ev = analysed[case].evidence
        clips = ev[(ev["kind"] == "partner_clip") & (ev["set_aside"] == "")]
        assert len(clips) and set(clips["keep_a"]) == {"left"}, case
