"""Evidence -> candidate fusions, each with one breakpoint per side and its supporting fragments.

Each piece of evidence has an NTRK side and a partner side; the partner side is put in a gene
(``naming``) and the strands say which gene is 5' and which 3'.  RNA breakpoints snap to the
nearest exon boundary (within ``snap`` bases: an aligner extends a block by the bases that
happen to match across the junction); DNA breakpoints are genomic and cluster within
``dna_window``.

The background model (README, "What a clean negative carries") decides what becomes a
candidate.  Evidence clusters by *locus*, never by a label: split reads by their breakpoints,
discordant mates by where the mates lie (the partner gene's exons in RNA, within
``mate_window`` bases otherwise), so mates scattered over many places stay apart.  Then:

* a discordant pair whose mate, or whose own read, is placed with MAPQ < ``min_mapq`` (a
  repeat) supports a precise candidate at its locus, but never makes one;
* a locus with a single fragment is a lone fragment, not a candidate, unless it is an RNA
  read joining two exon boundaries with unambiguous alignments on both sides;
* clips join the candidate at their breakpoint; elsewhere they make a partner-unknown candidate
  only in RNA, at an NTRK exon boundary, with at least two clips whose sequences agree.

Everything not taken is marked in ``Evidence.set_aside``, so evidence.parquet shows it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..annotation import Annotation
from ..vocabulary import EvidenceKind, RNA, genomic
from ..genome import canonical_contig
from .evidence import Evidence, SetAside
from .junctions import Side
from .molecules import count_fragments
from .naming import NO_GENE, Partner, PartnerNamer

CLIP_KEY = 8  # clip bases next to the junction that must agree between reads of one partner


@dataclass(frozen=True)
class ClusterSettings:
    """Made by ``engine.CallSettings.clustering()``, where the defaults are."""

    snap: int
    dna_window: int
    mate_window: int
    min_mapq: int
    min_anchor: int


@dataclass
class Candidate:
    gene5: str
    gene3: str
    ntrk_gene: str
    chrom5: str | None = None
    chrom3: str | None = None
    bp5: int | None = None  # None = imprecise (discordant pairs only, or partner unknown)
    bp3: int | None = None
    snapped5: bool = False
    snapped3: bool = False
    orientation_ok: bool = True
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def key(self):
        return (self.gene5, self.gene3, self.chrom5, self.bp5, self.chrom3, self.bp3, self.orientation_ok)

    @property
    def snapped(self) -> bool:
        return self.snapped5 and self.snapped3

    @property
    def ntrk_is_3prime(self) -> bool:
        return self.gene3 == self.ntrk_gene

    def ntrk_bp(self) -> int | None:
        return self.bp3 if self.ntrk_is_3prime else self.bp5

    def partner(self) -> tuple[str, str | None, int | None]:
        return (self.gene5, self.chrom5, self.bp5) if self.ntrk_is_3prime else (self.gene3, self.chrom3, self.bp3)

    def fragments(self) -> set[str]:
        return {ev.read_name for ev in self.evidence}


class Clusterer:
    def __init__(self, annotation: Annotation, assay: str, settings: ClusterSettings):
        self.ann, self.assay = annotation, assay
        self.s = settings
        self.namer = PartnerNamer(annotation)
        self._boundaries: dict[tuple[str, str], list[int]] = {}

    # -- genes and orientation ----------------------------------------------------------
    def orient(self, ev: Evidence, partner: Partner) -> Candidate:
        """Which side is 5' and which 3', from the two genes' strands."""
        ntrk = ev.region
        ntrk_role = ev.side_a.role(self.ann.transcript(ntrk)["strand"])
        partner_role = ev.side_b.role(partner.strand) if partner.strand and ev.side_b else None
        ok = partner_role is None or partner_role != ntrk_role
        ntrk_side, other = ev.side_a, ev.side_b
        if ntrk_role == "3":
            cand = Candidate(partner.gene, ntrk, ntrk, orientation_ok=ok)
            cand.chrom5, cand.bp5 = (_canon(other.chrom), other.pos) if other else (None, None)
            cand.chrom3, cand.bp3 = _canon(ntrk_side.chrom), ntrk_side.pos
        else:
            cand = Candidate(ntrk, partner.gene, ntrk, orientation_ok=ok)
            cand.chrom5, cand.bp5 = _canon(ntrk_side.chrom), ntrk_side.pos
            cand.chrom3, cand.bp3 = (_canon(other.chrom), other.pos) if other else (None, None)
        if self.assay == RNA:
            cand.bp5, cand.snapped5 = self.snap_to_exon(cand.gene5, cand.bp5, "5")
            cand.bp3, cand.snapped3 = self.snap_to_exon(cand.gene3, cand.bp3, "3")
        elif ev.homology and cand.bp5 is not None:
            # a microhomology is claimed by both alignments: it is given to the 3' partner (the
            # derivative carries its bases), so the 5' breakpoint is the last base before it
            five = other if ntrk_role == "3" else ntrk_side
            cand.bp5 += ev.homology if five.keep == "right" else -ev.homology
        return cand

    # -- breakpoints ----------------------------------------------------------------------
    def snap_to_exon(self, gene: str, pos: int | None, role: str) -> tuple[int | None, bool]:
        """The nearest exon end (5' gene) or start (3' gene) within ``snap`` bases."""
        if pos is None or gene in NO_GENE:
            return pos, False
        try:
            bounds = self._exon_boundaries(gene, role)
        except KeyError:
            return pos, False
        best = min(bounds, key=lambda b: (abs(b - pos), b))
        return (best, True) if abs(best - pos) <= self.s.snap else (pos, False)

    def _exon_boundaries(self, gene: str, role: str) -> list[int]:
        key = (gene, role)
        if key not in self._boundaries:
            table = self.ann.exon_ends(gene) if role == "5" else self.ann.exon_starts(gene)
            self._boundaries[key] = sorted(table.values())
        return self._boundaries[key]

    def at_ntrk_boundary(self, cand: Candidate) -> bool:
        role = "3" if cand.ntrk_is_3prime else "5"
        return cand.ntrk_bp() in self._exon_boundaries(cand.ntrk_gene, role)

    # -- clustering -----------------------------------------------------------------------
    def cluster(self, evidence: list[Evidence]) -> list[Candidate]:
        """Candidates from the evidence not yet set aside; marks the rest in ``set_aside``."""
        precise, clips, pairs = [], [], []
        for ev in evidence:
            if ev.set_aside:
                continue
            cand = self.orient(ev, self.namer.at(ev.side_b, ev.region))
            if ev.kind == EvidenceKind.DISCORDANT:
                pairs.append((cand, ev))
            elif ev.side_b is None:
                clips.append((cand, ev))
            else:
                precise.append((cand, ev))
        candidates = self._group_precise(precise)
        candidates += self._attach_clips(candidates, clips)
        candidates += self._attach_pairs(candidates, pairs)
        return [c for c in candidates if not self._lone(c)]

    def _group_precise(self, precise) -> list[Candidate]:
        exact: dict[tuple, Candidate] = {}
        for cand, ev in precise:
            exact.setdefault(cand.key, cand).evidence.append(ev)
        window = self.s.snap if self.assay == RNA else self.s.dna_window
        merged: list[Candidate] = []
        for cand in sorted(exact.values(), key=lambda c: (-len(c.fragments()), _order(c.key))):
            for m in merged:
                if (m.gene5, m.gene3, m.chrom5, m.chrom3, m.orientation_ok) == (
                    cand.gene5, cand.gene3, cand.chrom5, cand.chrom3, cand.orientation_ok
                ) and abs(m.bp5 - cand.bp5) <= window and abs(m.bp3 - cand.bp3) <= window:  # fmt: skip
                    m.evidence += cand.evidence
                    break
            else:
                merged.append(cand)
        return merged

    def _attach_clips(self, cands: list[Candidate], clips) -> list[Candidate]:
        """A clip at a candidate's NTRK breakpoint supports it; in RNA, clips at an NTRK exon
        boundary whose sequences agree form a candidate whose partner is unknown."""
        window = 0 if self.assay == RNA else self.s.dna_window
        unknown: dict[tuple, Candidate] = {}
        for cand, ev in clips:
            target = next((c for c in cands if c.ntrk_gene == ev.region and c.ntrk_is_3prime == cand.ntrk_is_3prime
                           and abs(c.ntrk_bp() - cand.ntrk_bp()) <= window), None)  # fmt: skip
            if target is not None:
                target.evidence.append(ev)
            elif self.assay == RNA and self.at_ntrk_boundary(cand):
                unknown.setdefault(cand.key, cand).evidence.append(ev)
            else:
                ev.set_aside = SetAside.UNPLACED_CLIP
        return [c for c in (self._agreeing_clips(c) for c in unknown.values()) if c is not None]

    def _agreeing_clips(self, cand: Candidate) -> Candidate | None:
        """Keep the clips whose bases next to the junction agree with the most common ones."""
        def key(ev: Evidence) -> str:
            return ev.clip_seq[-CLIP_KEY:] if ev.side_a.keep == "right" else ev.clip_seq[:CLIP_KEY]

        common, _ = Counter(key(ev) for ev in cand.evidence).most_common(1)[0]
        agreeing = [ev for ev in cand.evidence if key(ev) == common]
        for ev in cand.evidence:
            if ev not in agreeing:
                ev.set_aside = SetAside.UNPLACED_CLIP
        cand.evidence = agreeing
        if count_fragments(cand.evidence)["supporting_fragments"] < 2:
            for ev in agreeing:
                ev.set_aside = SetAside.UNPLACED_CLIP
            return None
        return cand

    def _attach_pairs(self, cands: list[Candidate], pairs) -> list[Candidate]:
        """Discordant pairs join the precise candidate at their mate's locus; the others are
        grouped by that locus (never by a label)."""
        loose: list[tuple[Candidate, Evidence]] = []
        for cand, ev in pairs:
            target = self._pair_target(cands, cand, ev)
            if target is not None:
                target.evidence.append(ev)
            elif ev.junction_mapq < self.s.min_mapq:
                ev.set_aside = SetAside.AMBIGUOUS_MATE
            else:
                loose.append((cand, ev))
        return self._group_pairs(loose)

    def _pair_target(self, cands: list[Candidate], pair: Candidate, ev: Evidence) -> Candidate | None:
        """The precise candidate a discordant pair belongs to.  RNA: one whose partner is the
        gene of the mate's exon, or that lies near the mate (introns make genomic distance
        meaningless).  DNA: the fragment must fit the breakpoints: both reads on the kept
        sides, and their distances to the breakpoints summing to no more than a fragment."""
        gene, chrom, pos = pair.partner()
        same = []
        for c in cands:
            if (c.gene5, c.gene3) != (pair.gene5, pair.gene3) or c.ntrk_gene != ev.region:
                continue
            c_gene, c_chrom, c_pos = c.partner()
            if c_chrom is None or c_pos is None:
                continue
            if genomic(self.assay):
                if _fits(c, ev, self.s.mate_window):
                    same.append(c)
                continue
            named = gene not in NO_GENE
            if (named and c_gene == gene) or (c_chrom == chrom and abs(c_pos - pos) <= self.s.mate_window):
                same.append(c)
        return max(same, key=lambda c: (len(c.fragments()), _order(c.key))) if same else None

    def _group_pairs(self, loose) -> list[Candidate]:
        """Discordant-only candidates: one per NTRK gene, orientation and partner locus."""
        by_locus: dict[tuple, list[tuple[Candidate, Evidence]]] = {}
        for cand, ev in loose:
            gene, chrom, pos = cand.partner()
            in_gene = self.assay == RNA and gene not in NO_GENE and self.namer.at(ev.side_b, ev.region).in_exon
            place = ("gene", gene) if in_gene else ("chrom", chrom)
            by_locus.setdefault((ev.region, cand.gene5, cand.gene3, cand.orientation_ok, place), []).append((cand, ev))
        out = []
        for (_, _, _, _, place), members in sorted(by_locus.items(), key=lambda kv: _order(kv[0])):
            groups = [members] if place[0] == "gene" else self._by_distance(members, lambda m: m[0].partner()[2])
            if genomic(self.assay):  # a DNA junction has one place on the NTRK side too
                groups = [g for group in groups for g in self._by_distance(group, lambda m: m[1].side_a.pos)]
            for group in groups:
                cand = group[0][0]
                cand.bp5 = cand.bp3 = None
                cand.snapped5 = cand.snapped3 = False
                cand.evidence = [ev for _, ev in group]
                out.append(cand)
        return out

    def _by_distance(self, members, position):
        """Single-linkage groups of members whose ``position`` lies within ``mate_window``."""
        members = sorted(members, key=lambda m: (position(m), m[1].read_name))
        groups, last = [], None
        for m in members:
            pos = position(m)
            if last is None or pos - last > self.s.mate_window:
                groups.append([])
            groups[-1].append(m)
            last = pos
        return groups

    def _lone(self, cand: Candidate) -> bool:
        """A single fragment is background, unless it is an RNA read that joins two exon
        boundaries with unambiguous alignments (a spliced fusion transcript, seen once)."""
        if count_fragments(cand.evidence)["supporting_fragments"] > 1:
            return False
        clean = (
            self.assay == RNA and cand.snapped
            and any((ev.junction_anchor or 0) >= self.s.min_anchor and ev.junction_mapq >= self.s.min_mapq
                    for ev in cand.evidence)
        )  # fmt: skip
        if not clean:
            for ev in cand.evidence:
                ev.set_aside = SetAside.LONE_FRAGMENT
        return not clean


def _canon(chrom: str) -> str:
    return canonical_contig(chrom)


def _fits(cand: Candidate, ev: Evidence, max_fragment: int) -> bool:
    """Could a DNA fragment with these two reads span the candidate's junction?  Each read lies
    on the side its breakpoint keeps, and the two distances add up to at most a fragment."""
    ntrk_bp = cand.ntrk_bp()
    _, chrom, partner_bp = cand.partner()
    ntrk_side, mate = ev.side_a, ev.side_b
    ntrk_keep = "left" if ntrk_side.keep == "left" else "right"

    def distance(side: Side, bp: int, keep: str) -> int | None:
        gap = bp - side.pos if keep == "left" else side.pos - bp
        return gap if gap >= -20 else None  # a few bases past the breakpoint: clipped ends

    # the NTRK read points at the junction: its kept side is the NTRK breakpoint's kept side
    d1 = distance(ntrk_side, ntrk_bp, ntrk_keep)
    d2 = distance(mate, partner_bp, mate.keep) if _canon(mate.chrom) == chrom else None
    return d1 is not None and d2 is not None and d1 + d2 <= max_fragment


def _order(key: tuple) -> tuple:
    """A sort key for tuples holding None."""
    return tuple((v is None, "" if v is None else v) for v in key)


def loci(cand: Candidate) -> dict:
    """Where each side's evidence lies (chr:first-last), imprecise candidates included."""
    ntrk, partner = [], []
    for ev in cand.evidence:
        ntrk.append((_canon(ev.side_a.chrom), ev.side_a.pos))
        if ev.side_b is not None:
            partner.append((_canon(ev.side_b.chrom), ev.side_b.pos))

    def span(points):
        if not points:
            return None
        chrom = Counter(c for c, _ in points).most_common(1)[0][0]
        positions = [p for c, p in points if c == chrom]
        return f"{chrom}:{min(positions)}-{max(positions)}"

    five, three = (partner, ntrk) if cand.ntrk_is_3prime else (ntrk, partner)
    return dict(locus5=span(five), locus3=span(three))
