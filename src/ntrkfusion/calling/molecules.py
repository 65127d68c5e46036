"""How many molecules support a candidate: fragments, less their PCR copies.

A fragment is a read pair (a read name).  PCR copies of one molecule are told apart the way the
library allows:

* with UMIs (``umi.source``: the ``RX`` tag, as fgbio and UMI-tools write it, or the end of the
  read name), one molecule is the fragments that share their positions (both reads' unclipped 5'
  ends and strands) and their UMI, UMIs one base apart being one (a sequencing error; UMI-tools'
  directional idea, simplified to a distance of one);
* without UMIs, one molecule is the fragments that share their positions: unique start sites, the
  measure anchored-PCR vendors report (every read of a gene-specific primer starts at the primer,
  so molecules differ by their other, random end);
* a fragment flagged as a duplicate (0x400) by the lab's pipeline is a copy either way.

``supporting_reads`` counts fragments with their copies, ``supporting_fragments`` the molecules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..vocabulary import EvidenceKind, UMI_SOURCES
from ..config import default
from .evidence import Evidence


@dataclass(frozen=True)
class UmiReader:
    """Where a library keeps its UMIs (config ``umi``)."""

    source: str = default("umi", "source")
    read_name_pattern: str = default("umi", "read_name_pattern")

    def __post_init__(self):
        if self.source not in UMI_SOURCES:
            raise ValueError(f"umi source {self.source!r} is not one of {', '.join(UMI_SOURCES)}")
        object.__setattr__(self, "_pattern", re.compile(self.read_name_pattern))

    def __call__(self, read) -> str:
        if self.source == "RX":
            return read.get_tag("RX") if read.has_tag("RX") else ""
        if self.source == "read_name":
            found = self._pattern.search(read.query_name)
            return found.group(1) if found else ""
        return ""


def umi_reader(config: dict) -> UmiReader:
    umi = config.get("umi") or {}
    return UmiReader(umi.get("source", default("umi", "source")),
                     umi.get("read_name_pattern", default("umi", "read_name_pattern")))  # fmt: skip


UMI_SAMPLE_READS = 2000  # primary mapped reads looked at for the declared UMI


def umi_fraction(bam, reader: UmiReader, regions=(), limit: int = UMI_SAMPLE_READS) -> float | None:
    """The share of the first ``limit`` primary mapped reads (of ``regions``, contig/start/end, else
    of the file) that carry the UMI where ``reader`` looks for it; None when no read was seen."""
    seen = carrying = 0
    reads = (r for region in regions for r in bam.fetch(*region)) if regions else bam.fetch(until_eof=True)
    for read in reads:
        if read.is_unmapped or read.is_secondary or read.is_supplementary:
            continue
        seen += 1
        carrying += bool(reader(read))
        if seen >= limit:
            break
    return carrying / seen if seen else None


@dataclass
class _Fragment:
    kinds: set
    flagged: bool
    key: str | None
    umi: str
    mapq: int


def count_fragments(evidence: list[Evidence]) -> dict:
    """Molecules supporting a candidate: split (any split/gap/clip record) and discordant;
    ``median_mapq`` is over molecules, of the weaker side of each one's best junction;
    ``max_anchor`` the longest shorter-side anchor of any split or gapped record."""
    fragments: dict[str, _Fragment] = {}
    for ev in evidence:
        f = fragments.setdefault(ev.read_name, _Fragment(set(), True, None, ev.umi, 0))
        f.kinds.add(ev.kind)
        f.flagged = f.flagged and ev.duplicate
        # a split read's primary and supplementary records share a key (evidence.fragment_key)
        f.key = min(f.key or ev.fragment_key, ev.fragment_key)
        f.umi = f.umi or ev.umi
        f.mapq = max(f.mapq, ev.junction_mapq)
    molecules = _molecules({n: f for n, f in fragments.items() if not f.flagged})
    split = sum(1 for names in molecules if any(fragments[n].kinds - {EvidenceKind.DISCORDANT} for n in names))
    mapqs = sorted(max(fragments[n].mapq for n in names) for names in molecules) or sorted(
        f.mapq for f in fragments.values()
    )
    anchors = [ev.junction_anchor for ev in evidence if ev.junction_anchor is not None]
    kinds = Counter(k for f in fragments.values() for k in f.kinds)
    return dict(split_reads=split, discordant_pairs=len(molecules) - split, supporting_fragments=len(molecules),
                supporting_reads=len(fragments), duplicate_fragments=len(fragments) - len(molecules),
                median_mapq=mapqs[len(mapqs) // 2] if mapqs else 0, max_anchor=max(anchors) if anchors else None,
                evidence_kinds=",".join(sorted(kinds)))  # fmt: skip


def _molecules(fragments: dict[str, _Fragment]) -> list[list[str]]:
    """Fragments (not flagged duplicates) grouped into molecules, deterministically."""
    by_key: dict[str, list[str]] = {}
    for name in sorted(fragments):
        key = fragments[name].key
        by_key.setdefault(key if key is not None else f"name:{name}", []).append(name)
    out = []
    for _, names in sorted(by_key.items()):
        out += _by_umi(names, fragments)
    return out


def _by_umi(names: list[str], fragments: dict[str, _Fragment]) -> list[list[str]]:
    """Fragments of one position split by UMI; a UMI seen less often one base from a commoner
    one joins it."""
    umis = Counter(fragments[n].umi for n in names)
    if len(umis) == 1:
        return [names]
    parent: dict[str, str] = {}
    for umi, _ in sorted(umis.items(), key=lambda kv: (-kv[1], kv[0])):
        parent[umi] = next((p for p in parent if parent[p] == p and _one_apart(umi, p)), umi)
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(parent[fragments[n].umi], []).append(n)
    return [groups[k] for k in sorted(groups)]


def _one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= 1
