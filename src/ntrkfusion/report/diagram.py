"""A fusion drawn to scale: the 5' partner's kept exons, the NTRK exons kept, the kinase domain,
the breakpoint, and the support.  Lengths are coding bases (the protein the fusion makes); an
exon without coding bases (UTR) is drawn narrow.  SVG via a template."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from ..annotation import Annotation
from ..vocabulary import NTRK_GENES, Assay, Result
from . import words

WIDTH, LEFT, RIGHT = 900, 20, 20
ENV = Environment(loader=PackageLoader("ntrkfusion.report"), autoescape=select_autoescape(["html.j2", "svg.j2"]),
                  keep_trailing_newline=True)  # fmt: skip
ENV.globals.update(Assay=Assay, Result=Result)  # templates speak the same words as the code


@dataclass
class Box:
    x: float
    width: float
    label: str  # drawn under the exon ("" when it would overlap its neighbour)
    gene: str
    title: str


UTR_WIDTH = 12  # coding bases drawn for an exon without any (so that it stays visible)


def _exon_lengths(ann: Annotation, gene: str, first: int, last: int | None) -> list[tuple[int, int]]:
    """(exon number, coding bases) of the kept exons."""
    exons = ann.exons(gene)
    tx = ann.transcript(gene)
    last = int(exons["exon_number"].max()) if last is None else last
    kept = exons[(exons["exon_number"] >= first) & (exons["exon_number"] <= last)]
    out = []
    for n, s, e in zip(kept["exon_number"], kept["start"], kept["end"]):
        coding = 0 if pd.isna(tx["cds_start"]) else max(0, min(e, tx["cds_end"]) - max(s, tx["cds_start"]))
        out.append((int(n), int(coding) or UTR_WIDTH))
    return out


def fusion_svg(ann: Annotation, fusion: dict) -> str:
    """SVG of one fusion row (gene5, gene3, exon5, exon3, counts, frame, kinase status)."""
    five = _exon_lengths(ann, fusion["gene5"], 1, int(fusion["exon5"]))
    three = _exon_lengths(ann, fusion["gene3"], int(fusion["exon3"]), None)
    total = sum(n for _, n in five) + sum(n for _, n in three)
    scale = (WIDTH - LEFT - RIGHT) / total
    boxes, x, last_label = [], float(LEFT), -1e9
    for gene, exons in ((fusion["gene5"], five), (fusion["gene3"], three)):
        for number, length in exons:
            centre = x + length * scale / 2
            label = f"e{number}" if centre - last_label >= 24 else ""  # no overlapping labels
            last_label = centre if label else last_label
            boxes.append(Box(x, max(length * scale, 1.0), label, gene, f"{gene} exon {number}"))
            x += length * scale
    junction = LEFT + sum(n for _, n in five) * scale
    kinase = _kinase(ann, fusion, scale, junction, x)
    support = (f"{words.count(fusion['supporting_fragments'], 'fragment')} ({words.count(fusion['split_reads'], 'split read')}, "
               f"{words.count(fusion['discordant_pairs'], 'discordant pair')})")  # fmt: skip
    status = f"{words.frame(fusion.get('in_frame'), fusion.get('reading_frame'))} · {words.kinase(fusion.get('kinase_domain_retained'))}"
    return ENV.get_template("fusion.svg.j2").render(
        width=WIDTH, boxes=boxes, junction=junction, kinase=kinase, fusion=fusion, five_gene=fusion["gene5"],
        last3=three[-1][0], support=support, status=status,
    )  # fmt: skip


def _kinase(ann: Annotation, fusion: dict, scale: float, junction: float, end: float) -> dict | None:
    """The part of the kinase domain the fused transcript keeps (offsets within the 3' part's
    CDS), drawn whether or not the frame is kept; ``partial`` when the join cuts into it."""
    if fusion["gene3"] not in NTRK_GENES:
        return None
    gene = fusion["gene3"]
    domain = ann.kinase_domain(gene)
    kept = ann.exon(gene, int(fusion["exon3"]))
    if pd.isna(kept["cds_offset"]):
        return None
    start = junction + (domain.cds_start_offset - int(kept["cds_offset"])) * scale  # coding bases before it
    stop = junction + (domain.cds_end_offset - int(kept["cds_offset"]) + 1) * scale
    if stop <= junction:
        return None  # the join lies after the domain: none of it is kept
    partial = start < junction
    start, stop = max(start, junction), min(stop, end)
    name = "kinase domain (partly kept)" if partial else "kinase domain"
    if fusion.get("in_frame") is False:
        name += ", out of frame"
    return dict(x=start, width=stop - start, name=name, partial=partial)
