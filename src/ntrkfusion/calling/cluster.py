"""Evidence -> candidate fusions, each with one breakpoint per side and its supporting fragments.

Each piece of evidence has an NTRK side and a partner side.  The partner side is put in a
gene; the strands say which gene is 5' and which 3'.  RNA breakpoints snap to the nearest
exon boundary (within ``snap`` bases: an aligner extends a block by the bases that happen to
match across the junction); DNA breakpoints are genomic and cluster within ``dna_window``.
Discordant pairs (no breakpoint) join the precise candidate of the same gene pair.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..annotation import Annotation
from ..genome import canonical_contig
from .evidence import Evidence
from .junctions import Side

NTRK = ("NTRK1", "NTRK2", "NTRK3")
UNKNOWN = "unknown"


@dataclass
class Partner:
    gene: str  # gene symbol, "intergenic" or "unknown"
    strand: str | None


@dataclass
class Candidate:
    gene5: str
    gene3: str
    ntrk_gene: str
    chrom5: str | None = None
    chrom3: str | None = None
    bp5: int | None = None  # None = imprecise (discordant pairs only, or partner unknown)
    bp3: int | None = None
    snapped: bool = False
    orientation_ok: bool = True
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def key(self):
        return (self.gene5, self.gene3, self.bp5, self.bp3)


class Clusterer:
    def __init__(self, annotation: Annotation, assay: str, snap: int = 5, dna_window: int = 10):
        self.ann, self.assay, self.snap, self.window = annotation, assay, snap, dna_window
        self._boundaries: dict[tuple[str, str], list[int]] = {}

    # -- genes and orientation ----------------------------------------------------------
    def partner_at(self, side: Side, ntrk: str) -> Partner:
        loci = [x for x in self.ann.locate(side.chrom, side.pos) if x.gene != ntrk]
        if loci:
            best = sorted(loci, key=lambda x: (x.region != "exon", x.gene))[0]
            return Partner(best.gene, best.strand)
        genes = self.ann.genes_at(side.chrom, side.pos)
        genes = genes[genes["gene"] != ntrk]
        if len(genes):
            row = genes.sort_values("gene").iloc[0]
            return Partner(row["gene"], row["strand"])
        return Partner("intergenic", None)

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
        return cand

    # -- breakpoints ----------------------------------------------------------------------
    def snap_to_exon(self, gene: str, pos: int | None, role: str) -> tuple[int | None, bool]:
        """The nearest exon end (5' gene) or start (3' gene) within ``snap`` bases."""
        if pos is None or gene in (UNKNOWN, "intergenic"):
            return pos, False
        try:
            bounds = self._exon_boundaries(gene, role)
        except KeyError:
            return pos, False
        best = min(bounds, key=lambda b: (abs(b - pos), b))
        return (best, True) if abs(best - pos) <= self.snap else (pos, False)

    def _exon_boundaries(self, gene: str, role: str) -> list[int]:
        key = (gene, role)
        if key not in self._boundaries:
            table = self.ann.exon_ends(gene) if role == "5" else self.ann.exon_starts(gene)
            self._boundaries[key] = sorted(table.values())
        return self._boundaries[key]

    # -- clustering -----------------------------------------------------------------------
    def cluster(self, evidence: list[Evidence]) -> list[Candidate]:
        precise: dict[tuple, Candidate] = {}
        imprecise: list[tuple[Candidate, Evidence]] = []
        clips: list[tuple[Candidate, Evidence]] = []
        for ev in evidence:
            partner = self.partner_at(ev.side_b, ev.region) if ev.side_b else Partner(UNKNOWN, None)
            cand = self.orient(ev, partner)
            if self.assay == "rna":
                cand.bp5, s5 = self.snap_to_exon(cand.gene5, cand.bp5, "5")
                cand.bp3, s3 = self.snap_to_exon(cand.gene3, cand.bp3, "3")
                cand.snapped = s5 and s3
            if ev.kind == "discordant":
                imprecise.append((cand, ev))
            elif ev.side_b is None:
                clips.append((cand, ev))
            else:
                precise.setdefault(cand.key, cand).evidence.append(ev)
        candidates = self._merge_dna(list(precise.values())) if self.assay == "dna" else list(precise.values())
        self._attach_clips(candidates, clips)
        self._attach_discordant(candidates, imprecise)
        return candidates

    def _merge_dna(self, cands: list[Candidate]) -> list[Candidate]:
        """DNA: breakpoints within ``dna_window`` are one event; keep the most supported pair."""
        merged: list[Candidate] = []
        for cand in sorted(cands, key=lambda c: (-len(c.evidence), c.key)):
            for m in merged:
                if (m.gene5, m.gene3) == (cand.gene5, cand.gene3) and abs(m.bp5 - cand.bp5) <= self.window \
                        and abs(m.bp3 - cand.bp3) <= self.window:  # fmt: skip
                    m.evidence += cand.evidence
                    break
            else:
                merged.append(cand)
        return merged

    def _attach_clips(self, cands: list[Candidate], clips) -> None:
        """A clip at a candidate's NTRK breakpoint supports it; other clips at an NTRK exon
        boundary form a candidate whose partner is unknown."""
        unknown: dict[tuple, Candidate] = {}
        for cand, ev in clips:
            ntrk_bp = cand.bp3 if cand.gene3 == ev.region else cand.bp5
            target = next((c for c in cands if c.ntrk_gene == ev.region
                           and (c.bp3 if c.gene3 == ev.region else c.bp5) == ntrk_bp), None)  # fmt: skip
            if target is not None:
                target.evidence.append(ev)
            elif self.assay == "rna" and self._at_ntrk_boundary(cand, ev.region):
                unknown.setdefault(cand.key, cand).evidence.append(ev)
        cands += [c for c in unknown.values() if len({e.read_name for e in c.evidence}) >= 2]

    def _at_ntrk_boundary(self, cand: Candidate, ntrk: str) -> bool:
        role = "3" if cand.gene3 == ntrk else "5"
        pos = cand.bp3 if role == "3" else cand.bp5
        return pos in self._exon_boundaries(ntrk, role)

    def _attach_discordant(self, cands: list[Candidate], imprecise) -> None:
        groups: dict[tuple, Candidate] = {}
        for cand, ev in imprecise:
            pair = (cand.gene5, cand.gene3)
            same = [c for c in cands if (c.gene5, c.gene3) == pair]
            if same:
                max(same, key=lambda c: (len(c.evidence), c.key)).evidence.append(ev)
            else:
                cand.bp5 = cand.bp3 = None
                cand.snapped = False
                groups.setdefault(pair, cand).evidence.append(ev)
        cands += list(groups.values())


def _canon(chrom: str) -> str:
    return canonical_contig(chrom)


def count_fragments(cand: Candidate) -> dict:
    """Distinct fragments: split (any split/gap/clip record) and discordant; a fragment counts
    once.  Duplicates (flagged, or the same fragment positions as another) are counted apart."""
    kinds: dict[str, set] = {}
    flagged: dict[str, bool] = {}
    keys: dict[str, str] = {}
    mapqs = []
    for ev in cand.evidence:
        kinds.setdefault(ev.read_name, set()).add(ev.kind)
        flagged[ev.read_name] = flagged.get(ev.read_name, True) and ev.duplicate
        if not ev.flag & 0x800:  # fragment positions from primary records only
            keys[ev.read_name] = min(keys.get(ev.read_name, ev.fragment_key), ev.fragment_key)
        mapqs.append(60 if ev.mapq == 255 else ev.mapq)
    unique, dups = [], 0
    seen_keys: set[str] = set()
    for name in sorted(kinds):
        key = keys.get(name)
        if flagged[name] or (key is not None and key in seen_keys):
            dups += 1
            continue
        if key is not None:
            seen_keys.add(key)
        unique.append(name)
    split = sum(1 for n in unique if kinds[n] - {"discordant"})
    mapqs.sort()
    return dict(split_reads=split, discordant_pairs=len(unique) - split, supporting_fragments=len(unique),
                duplicate_fragments=dups, median_mapq=mapqs[len(mapqs) // 2] if mapqs else 0,
                evidence_kinds=",".join(sorted(Counter(k for ks in kinds.values() for k in ks))))  # fmt: skip
