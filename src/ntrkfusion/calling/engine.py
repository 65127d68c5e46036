"""One sample, from BAM to evidence and fusion tables (the same engine for RNA and DNA)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pysam

from ..annotation import Annotation
from ..genome import ContigNames
from ..io import write_parquet
from ..loci import ntrk_regions
from .clips import ExonBoundaryIndex, boundary_table, clip_in_transcript_orientation
from .cluster import Clusterer, count_fragments
from .describe import describe
from .evidence import EVIDENCE_COLUMNS, Evidence, extract, partner_clips
from .filters import FilterSettings, confidence, reasons
from .junctions import Side
from .table import to_frame


@dataclass
class CallSettings:
    padding: int = 10_000
    min_clip: int = 12
    snap: int = 5
    dna_window: int = 10
    filters: FilterSettings = field(default_factory=FilterSettings)


@dataclass
class CallResult:
    evidence: pd.DataFrame
    fusions: pd.DataFrame


def call_sample(bam_path: str | Path, sample: str, assay: str, ann: Annotation, reference: str | None = None,
                settings: CallSettings | None = None, boundaries: pd.DataFrame | None = None) -> CallResult:  # fmt: skip
    """Call one sample.  With a ``reference`` (or its precomputed exon ``boundaries`` table),
    soft-clipped RNA reads get their partner named; without, they stay partner-unknown."""
    settings = settings or CallSettings()
    with pysam.AlignmentFile(str(bam_path), reference_filename=reference) as bam:
        contigs = ContigNames(tuple(bam.references))
        evidence: list[Evidence] = []
        for region in ntrk_regions(ann, contigs, settings.padding):
            tx = ann.transcript(region.name)
            span = (int(tx["tx_start"]) + 1, int(tx["tx_end"]))
            evidence += extract(bam, region, span, settings.min_clip)
        if assay == "rna" and (boundaries is not None or reference):
            if boundaries is None:
                boundaries = boundary_table(ann, reference)
            _name_clip_partners(evidence, ann, ExonBoundaryIndex(boundaries), contigs, settings.snap)
        candidates = Clusterer(ann, assay, settings.snap, settings.dna_window).cluster(evidence)
        if assay == "rna":
            evidence += _rescue_partner_clips(bam, contigs, candidates, ann, settings)
    rows = []
    for cand in candidates:
        row = dict(sample=sample, assay=assay, orientation_ok=cand.orientation_ok)
        row |= describe(cand, ann, assay) | count_fragments(cand)
        found = reasons(row, ann, assay, settings.filters)
        row |= dict(filters=";".join(found), confidence=confidence(row, found, settings.filters))
        rows.append(row)
    return CallResult(evidence_frame(evidence), to_frame(rows))


def _name_clip_partners(evidence: list[Evidence], ann: Annotation, index: ExonBoundaryIndex, contigs: ContigNames,
                        snap: int) -> None:  # fmt: skip
    """Give soft-clipped evidence a partner side where its sequence matches an exon boundary.

    The aligner may have extended the NTRK alignment by up to ``snap`` bases that happen to
    match across the junction (often the AG of a splice acceptor); those bases belong to the
    partner, so the look-up tries each such shift that puts the NTRK side on an exon boundary."""
    for ev in (ev for ev in evidence if ev.kind == "clip"):
        strand = ann.transcript(ev.region)["strand"]
        ntrk_is_3prime = ev.side_a.role(strand) == "3"
        bounds = set((ann.exon_starts if ntrk_is_3prime else ann.exon_ends)(ev.region).values())
        for shift in range(0, snap + 1):
            if ev.side_a.keep == "left":
                pos, clip = ev.side_a.pos - shift, (ev.anchor_seq[-shift:] if shift else "") + ev.clip_seq
            else:
                pos, clip = ev.side_a.pos + shift, ev.clip_seq + ev.anchor_seq[:shift]
            if pos not in bounds or len(clip) - len(ev.clip_seq) != shift:
                continue
            clip_tx = clip_in_transcript_orientation(clip, strand)
            hits = index.partner(clip_tx, partner_is_5prime=ntrk_is_3prime, exclude=ev.region)
            if len({h.gene for h in hits}) == 1:  # no match or several genes: the partner stays unknown
                hit = hits[0]
                keep_left = (hit.strand == "+") == ntrk_is_3prime  # a 5' partner keeps its 5' end
                ev.side_a = Side(ev.side_a.chrom, pos, ev.side_a.keep)
                ev.side_b = Side(contigs.to_bam(hit.chrom) or hit.chrom, hit.pos, "left" if keep_left else "right")
                break


def _rescue_partner_clips(bam, contigs: ContigNames, candidates, ann: Annotation,
                          settings: CallSettings) -> list[Evidence]:  # fmt: skip
    """Add the reads clipped exactly at each precise candidate's partner breakpoint."""
    added = []
    for cand in candidates:
        if cand.bp5 is None or cand.bp3 is None or not cand.orientation_ok:
            continue
        partner_is_5 = cand.gene3 == cand.ntrk_gene
        gene, chrom, bp = (cand.gene5, cand.chrom5, cand.bp5) if partner_is_5 else (cand.gene3, cand.chrom3, cand.bp3)
        try:
            strand = ann.transcript(gene)["strand"]
        except KeyError:
            continue
        keep = "left" if (strand == "+") == partner_is_5 else "right"
        ntrk_side = Side(contigs.to_bam(cand.chrom3 if partner_is_5 else cand.chrom5) or "",
                         cand.bp3 if partner_is_5 else cand.bp5, "right")  # fmt: skip
        known = {e.read_name for e in cand.evidence}
        new = [e for e in partner_clips(bam, contigs.to_bam(chrom), bp, keep, cand.ntrk_gene, ntrk_side,
                                        settings.min_clip, settings.snap) if e.read_name not in known]  # fmt: skip
        cand.evidence += new
        added += new
    return added


def evidence_frame(evidence: list[Evidence]) -> pd.DataFrame:
    frame = pd.DataFrame([ev.to_row() for ev in evidence], columns=EVIDENCE_COLUMNS)
    return frame.sort_values(["region", "chrom_a", "pos_a", "read_name", "flag", "kind"], kind="stable",
                             ignore_index=True)  # fmt: skip


EVIDENCE_SCHEMA = pa.schema(
    [("read_name", pa.string()), ("region", pa.string()), ("kind", pa.string()), ("flag", pa.int32()),
     ("mapq", pa.int32()), ("duplicate", pa.bool_()), ("fragment_key", pa.string()), ("chrom_a", pa.string()),
     ("pos_a", pa.int64()), ("keep_a", pa.string()), ("chrom_b", pa.string()), ("pos_b", pa.int64()),
     ("keep_b", pa.string()), ("clip_seq", pa.string()), ("anchor_seq", pa.string())]
)  # fmt: skip


def write_evidence(frame: pd.DataFrame, path: str | Path) -> None:
    write_parquet(pa.Table.from_pandas(frame, schema=EVIDENCE_SCHEMA, preserve_index=False), path)


def settings_from_config(config: dict) -> CallSettings:
    """CallSettings from the workflow config (keys as in config.schema.yaml)."""
    calling = dict(config.get("calling") or {})
    filters = FilterSettings(**{k: calling.pop(k) for k in list(calling) if k in FilterSettings.__dataclass_fields__})
    return CallSettings(
        padding=int(config.get("ntrk_padding", 10_000)),
        min_clip=calling.get("min_clip", 12),
        snap=calling.get("snap_distance", 5),
        dna_window=calling.get("dna_window", 10),
        filters=filters,
    )
