"""One sample, from BAM to evidence and fusion tables (the same engine for RNA and DNA).

The path of one BAM: read the padded NTRK loci (``evidence``) -> set aside the genes' own
splicing and intragenic junctions (``splicing``) -> name soft-clip partners from exon-boundary
sequence (``clips``) -> look up mates' mapping quality -> cluster by locus, leaving the
background aside (``cluster``) -> describe, filter and classify each candidate (``describe``,
``filters``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pysam

from ..vocabulary import EvidenceKind, RNA
from ..annotation import Annotation
from ..config import default, with_defaults
from ..genome import ContigNames
from ..records import EVIDENCE_COLUMNS
from ..loci import ntrk_regions
from . import filters as flt
from .clips import ExonBoundaryIndex, boundary_table, clip_in_transcript_orientation
from .cluster import Candidate, ClusterSettings, Clusterer, loci
from .unaligned import place_unaligned
from .partner_exons import partner_exon_evidence
from .molecules import UmiReader, count_fragments, umi_reader
from .describe import describe
from .fused_sequence import add_fused_sequences
from .evidence import Evidence, LocusReads, SetAside, extract, partner_clips
from .mates import add_mates
from .junction_sequence import ClipJudge
from .junctions import Side
from .naming import NO_GENE, UNKNOWN
from .pon import PanelOfNormals
from .complexity import set_aside_uninformative
from .splicing import consensus_boundaries, set_aside_same_gene, set_aside_spliced_clips, shifts_at_boundary
from .table import to_frame
from .wildtype import add_wild_type


@dataclass
class CallSettings:
    """How evidence is read and clustered; defaults from the config schema."""

    padding: int = default("ntrk_padding")
    min_clip: int = default("calling", "min_clip")
    snap: int = default("calling", "snap_distance")
    dna_window: int = default("calling", "dna_window")
    mate_window: int = default("calling", "mate_window")
    filters: flt.FilterSettings = field(default_factory=flt.FilterSettings)
    umi: UmiReader = field(default_factory=UmiReader)
    long_reads: bool = False  # the file's reads are whole molecules (BamInfo.long_reads)
    # read the known 5' partners' exons for reads that continue into an NTRK exon (partner_exons.py):
    # for aligners that write no split reads (stages/call.py; aligners.Aligner.split_reads not True)
    read_partner_exons: bool = False

    def clustering(self) -> ClusterSettings:
        return ClusterSettings(self.snap, self.dna_window, self.mate_window, self.filters.min_mapq,
                               self.filters.min_anchor)  # fmt: skip


@dataclass
class CallResult:
    evidence: pd.DataFrame
    fusions: pd.DataFrame
    loci: list[LocusReads] = field(default_factory=list)  # the padded NTRK loci read, with their counts
    partner_genes: tuple[str, ...] = ()  # the known 5' partners whose exons were read (partner_exons.py)

    @property
    def ntrk_reads(self) -> int:
        return sum(locus.reads for locus in self.loci)


def call_sample(bam: pysam.AlignmentFile | str | Path, sample: str, assay: str, ann: Annotation,
                reference: str | None = None, settings: CallSettings | None = None,
                boundaries: pd.DataFrame | None = None, pon: PanelOfNormals | None = None) -> CallResult:  # fmt: skip
    """Call one sample from its open alignment file (or its path).  With a ``reference`` (or its
    precomputed exon ``boundaries`` table), soft-clipped RNA reads get their partner named;
    without, they stay partner-unknown.  With a panel of normals, candidates it holds are
    filtered ``in_panel_of_normals``."""
    if not isinstance(bam, pysam.AlignmentFile):
        with pysam.AlignmentFile(str(bam), reference_filename=reference) as opened:
            return call_sample(opened, sample, assay, ann, reference, settings, boundaries, pon)
    settings = settings or CallSettings()
    contigs = ContigNames(tuple(bam.references))
    evidence: list[Evidence] = []
    spans, loci = {}, []
    for region in ntrk_regions(ann, contigs, settings.padding):
        tx = ann.transcript(region.name)
        span = (int(tx["tx_start"]) + 1, int(tx["tx_end"]))
        spans[region.name] = (region.contig, *span)
        found, counts = extract(bam, region, span, settings.min_clip, settings.filters.min_mapq, settings.umi,
                                settings.long_reads)  # fmt: skip
        evidence += found
        loci.append(counts)
    set_aside_same_gene(evidence, ann, spans, assay)
    named, partner_genes = None, ()
    if assay == RNA:
        if boundaries is None and reference:
            boundaries = boundary_table(ann, reference)
        named = ExonBoundaryIndex(boundaries) if boundaries is not None else None
        clipped = tuple(sorted({ev.region for ev in evidence if ev.kind == EvidenceKind.CLIP and not ev.set_aside}))
        own = named or ExonBoundaryIndex(consensus_boundaries(bam, ann, contigs, clipped))
        set_aside_spliced_clips(evidence, ann, own, settings.snap)
        set_aside_uninformative(evidence)
        if named is not None:
            _name_clip_partners(evidence, ann, named, contigs, settings.snap)
            unaligned = [u for locus in loci for u in locus.unaligned]
            evidence += place_unaligned(unaligned, named, ann, contigs, settings.min_clip)
            if settings.read_partner_exons and not settings.long_reads:
                found, partner_genes = partner_exon_evidence(bam, ann, contigs, named, settings.min_clip, settings.snap,
                                                             settings.umi)  # fmt: skip
                evidence += found
    set_aside_uninformative(evidence)
    add_mates(bam, evidence)
    clusterer = Clusterer(ann, assay, settings.clustering())
    candidates = clusterer.cluster(evidence)
    judge = ClipJudge(bam, ann, contigs, assay, reference, _own_index(bam, ann, contigs, named))
    try:
        confirm_clips(candidates, judge)
        if assay == RNA and not settings.long_reads:  # a long read's clips are its ends (evidence.py)
            evidence += _rescue_partner_clips(bam, contigs, candidates, ann, settings, judge)
    finally:
        judge.close()
    window = settings.snap if assay == RNA else settings.dna_window
    rows = [_row(cand, sample, assay, ann, clusterer, settings.filters,
                 pon is not None and pon.matches(cand, window)) for cand in candidates]  # fmt: skip
    rows, candidates = _without_minor_clusters(rows, candidates, settings.filters)
    add_wild_type(rows, bam, settings.filters.min_mapq)
    add_fused_sequences(rows, ann, reference)
    fusions = to_frame([in_bam_names(row, contigs) for row in rows])
    _number_candidates(fusions, candidates)
    return CallResult(evidence_frame(evidence), fusions.drop(columns="_index"), loci, partner_genes)


SITE_COLUMNS = ("chrom5", "chrom3")  # a contig name
PLACE_COLUMNS = ("breakpoint5", "breakpoint3", "locus5", "locus3")  # contig:position or contig:first-last


def in_bam_names(row: dict, contigs: ContigNames) -> dict:
    """A candidate row with its contigs named as the BAM names them (the rule for every file a
    sample's path writes; the annotation's chr names are internal).  A partner contig the BAM
    lacks (placed from the reference) keeps the annotation's name."""
    out = dict(row)
    for column in SITE_COLUMNS:
        if isinstance(row.get(column), str):
            out[column] = contigs.to_bam(row[column]) or row[column]
    for column in PLACE_COLUMNS:
        if isinstance(row.get(column), str):
            chrom, _, rest = row[column].rpartition(":")
            out[column] = f"{contigs.to_bam(chrom) or chrom}:{rest}"
    return out


def _row(cand: Candidate, sample: str, assay: str, ann: Annotation, clusterer: Clusterer,
         s: flt.FilterSettings, in_pon: bool) -> dict:  # fmt: skip
    row = dict(sample=sample, assay=assay, orientation_ok=cand.orientation_ok, in_panel_of_normals=in_pon)
    row |= describe(cand, ann, assay) | count_fragments(cand.evidence) | loci(cand)
    found = flt.apply(row, ann, assay, s)
    row |= dict(filters=flt.names(found), confidence=flt.confidence(row, found, s),
                support_rule=flt.support_rule(row, assay, s)[0].name, required_fragments=flt.required_fragments(row, assay, s),
                classification=str(flt.classify(row, found, junction_like(cand, row, assay, clusterer), s)))  # fmt: skip
    return row


def _without_minor_clusters(rows: list[dict], candidates: list[Candidate], s: flt.FilterSettings):
    """The table lists candidates, not noise: a weak or artefact cluster with fewer than
    ``min_fragments`` fragments has no bearing on the result and is not worth a row; its
    evidence is marked MINOR_CLUSTER (and counted in qc.json)."""
    keep = []
    for row, cand in zip(rows, candidates):
        minor = row["classification"] in (flt.CandidateClass.WEAK, flt.CandidateClass.ARTEFACT) and (
            row["supporting_fragments"] < s.min_fragments
        )
        if minor:
            for ev in cand.evidence:
                ev.set_aside = SetAside.MINOR_CLUSTER
        else:
            keep.append((row, cand))
    return [r for r, _ in keep], [c for _, c in keep]


def junction_like(cand: Candidate, row: dict, assay: str, clusterer: Clusterer) -> bool:
    """Does the evidence look like a real NTRK junction, however little of it there is?

    RNA: a read crosses the junction at an NTRK exon boundary, and the partner side is an exon
    boundary too, or several fragments agree on it (a partner-unknown candidate is made only of
    agreeing clips).  DNA: a read crosses the junction and another fragment agrees with it.
    Pairs only: three or more fragments whose mates lie in one named partner gene."""
    precise = cand.bp5 is not None and cand.bp3 is not None
    partner = cand.partner()[0]
    several = row["supporting_fragments"] >= 2
    if row["split_reads"] == 0:
        return partner not in NO_GENE and row["supporting_fragments"] >= 3
    if assay == RNA:
        at_boundary = cand.ntrk_bp() is not None and clusterer.at_ntrk_boundary(cand)
        partner_ok = partner == UNKNOWN or (precise and (cand.snapped or several))
        return at_boundary and partner_ok
    return precise and several


def _number_candidates(fusions: pd.DataFrame, candidates: list[Candidate]) -> None:
    """Number the candidates 1.. in table order, and mark their evidence with that number."""
    fusions["candidate"] = pd.array(range(1, len(fusions) + 1), dtype="Int64")
    for number, index in zip(fusions["candidate"], fusions["_index"]):
        for ev in candidates[int(index)].evidence:
            ev.candidate = int(number)


def _name_clip_partners(evidence: list[Evidence], ann: Annotation, index: ExonBoundaryIndex, contigs: ContigNames,
                        snap: int) -> None:  # fmt: skip
    """Give soft-clipped evidence a partner side where its sequence matches an exon boundary.

    The aligner may have extended the NTRK alignment by up to ``snap`` bases that happen to
    match across the junction (often the AG of a splice acceptor); those bases belong to the
    partner, so the look-up tries each such shift that puts the NTRK side on an exon boundary."""
    for ev in (ev for ev in evidence if ev.kind == EvidenceKind.CLIP and not ev.set_aside):
        strand = ann.transcript(ev.region)["strand"]
        ntrk_is_3prime = ev.side_a.role(strand) == "3"
        bounds = set((ann.exon_starts if ntrk_is_3prime else ann.exon_ends)(ev.region).values())
        for pos, clip in shifts_at_boundary(ev.side_a, ev.clip_seq, ev.anchor_seq, bounds, snap):
            clip_tx = clip_in_transcript_orientation(clip, strand)
            hits = index.partner(clip_tx, partner_is_5prime=ntrk_is_3prime, exclude=ev.region)
            if len({h.gene for h in hits}) == 1:  # no match or several genes: the partner stays unknown
                hit = hits[0]
                keep_left = (hit.strand == "+") == ntrk_is_3prime  # a 5' partner keeps its 5' end
                ev.side_a = Side(ev.side_a.chrom, pos, ev.side_a.keep)
                ev.side_b = Side(contigs.to_bam(hit.chrom) or hit.chrom, hit.pos, "left" if keep_left else "right")
                ev.anchor_b = len(clip)
                break


def _own_index(bam, ann: Annotation, contigs: ContigNames, named: ExonBoundaryIndex | None):
    """gene -> the index of its own exon boundaries: the reference's, or its reads' consensus."""
    cache: dict[str, ExonBoundaryIndex | None] = {}

    def index(gene: str) -> ExonBoundaryIndex | None:
        if named is not None:
            return named
        if gene not in cache:
            try:
                cache[gene] = ExonBoundaryIndex(consensus_boundaries(bam, ann, contigs, (gene,)))
            except KeyError:
                cache[gene] = None
        return cache[gene]

    return index


def confirm_clips(candidates: list[Candidate], judge: ClipJudge) -> None:
    """Keep a precise candidate's unnamed NTRK-side clips only where their bases are the
    junction's other side (``junction_sequence``); the others are set aside with the reason."""
    for cand in candidates:
        if cand.bp5 is None or cand.bp3 is None:
            continue
        for ev in cand.evidence:
            if ev.kind == EvidenceKind.CLIP and ev.side_b is None:
                ev.set_aside = judge.judge(ev, cand)
        cand.evidence = [ev for ev in cand.evidence if not ev.set_aside]


def _rescue_partner_clips(bam, contigs: ContigNames, candidates, ann: Annotation,
                          settings: CallSettings, judge: ClipJudge) -> list[Evidence]:  # fmt: skip
    """Add the reads clipped at each precise candidate's partner breakpoint whose clip is the
    NTRK side of its junction; the others are returned set aside, with the reason."""
    added = []
    for cand in candidates:
        if cand.bp5 is None or cand.bp3 is None or not cand.orientation_ok:
            continue
        partner_is_5 = cand.ntrk_is_3prime
        gene, chrom, bp = cand.partner()
        try:
            strand = ann.transcript(gene)["strand"]
        except KeyError:
            continue
        keep = "left" if (strand == "+") == partner_is_5 else "right"
        ntrk_keep = "left" if (ann.transcript(cand.ntrk_gene)["strand"] == "+") != partner_is_5 else "right"
        ntrk_side = Side(contigs.to_bam(cand.chrom3 if partner_is_5 else cand.chrom5) or "", cand.ntrk_bp(), ntrk_keep)
        known = {e.read_name for e in cand.evidence}
        new = [e for e in partner_clips(bam, contigs.to_bam(chrom), bp, keep, cand.ntrk_gene, ntrk_side,
                                        settings.min_clip, settings.snap, settings.umi) if e.read_name not in known]  # fmt: skip
        for ev in new:
            ev.set_aside = judge.judge(ev, cand)
        cand.evidence += [ev for ev in new if not ev.set_aside]
        added += new
    return added


def evidence_frame(evidence: list[Evidence]) -> pd.DataFrame:
    frame = pd.DataFrame([ev.to_row() for ev in evidence], columns=EVIDENCE_COLUMNS)
    for column in ("mapq_b", "anchor_b", "candidate", "pos_b"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["region", "chrom_a", "pos_a", "read_name", "flag", "kind"], kind="stable",
                             ignore_index=True)  # fmt: skip


def settings_from_config(config: dict) -> CallSettings:
    """CallSettings from the workflow config (keys as in config.schema.yaml; missing: defaults)."""
    config = with_defaults(config)
    calling = config["calling"]
    filters = flt.FilterSettings(**{k: calling[k] for k in flt.FilterSettings.__dataclass_fields__})
    return CallSettings(padding=config["ntrk_padding"], min_clip=calling["min_clip"], snap=calling["snap_distance"],
                        dna_window=calling["dna_window"], mate_window=calling["mate_window"], filters=filters,
                        umi=umi_reader(config))  # fmt: skip
