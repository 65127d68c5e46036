"""An anchored multiplex PCR RNA library (Archer FusionPlex-like).

cDNA is fragmented at random and an adapter (with a UMI) is ligated to each end; gene-specific
primers (GSPs) in known exons then amplify towards the adapter, i.e. towards the transcript's
5' end.  Every molecule thus ends at a primer and starts anywhere upstream: a fusion shows as a
read that begins in the NTRK exon and runs into whatever partner lies 5' of it, named or not.

Primers: one in each NTRK1/2/3 exon from exon 2 on, and one in the middle exon of each control
gene (the panel's RNA QC).  A primer's 3' end lies ``PRIMER_END`` bases into its exon (or at
the exon's end when the exon is shorter).
"""

from __future__ import annotations

from ..annotation import Annotation
from ..vocabulary import NTRK_GENES
from .molecules import Molecule, fused_transcript, transcript
from .reads import Fragment, LibraryModel

PRIMER_END = 40


def primer_ends(ann: Annotation, gene: str, first: int = 1, control: bool = False) -> list[int]:
    """Offsets in the transcript of exons ``first..`` of ``gene`` (its spliced sequence from exon
    ``first``) just past each primer's 3' end."""
    exons = ann.exons(gene).sort_values("exon_number")
    exons = exons[exons["exon_number"] >= first]
    numbers = list(exons["exon_number"])
    if control:
        numbers = [numbers[len(numbers) // 2]]
    ends, offset = [], 0
    for e in exons.itertuples():
        length = int(e.end - e.start)
        if e.exon_number in numbers and (control or e.exon_number >= 2):
            ends.append(offset + min(PRIMER_END, length))
        offset += length
    return ends


def primed_fragments(molecule: Molecule, ends: list[int], n: int, lib: LibraryModel, rng, label: str):
    """``n`` fragments of ``molecule``, each ending at one of the primers (chosen evenly) and
    starting a fragment length upstream."""
    frags = []
    if not ends:
        return frags
    for i in range(n):
        end = ends[int(rng.integers(0, len(ends)))]
        size = max(lib.min_fragment, int(rng.normal(lib.fragment_mean, lib.fragment_sd)))
        start = max(0, end - size)
        junction = None
        if molecule.junction is not None and start < molecule.junction < end:
            junction = molecule.junction - start
        frags.append(Fragment(f"{label}.{i:06d}", molecule.seq[start:end], start, junction))
    return frags


def anchored_fragments(case, genome, ann: Annotation, lib: LibraryModel, controls: list[str], rng) -> list[Fragment]:
    """Molecules of every primed transcript (NTRK genes at ``ntrk_expression``, control genes at
    10, as in the whole-transcriptome library), and of the fusion transcript when there is one."""
    weights = {g: 10.0 for g in controls} | {g: case.ntrk_expression for g in NTRK_GENES}
    total = sum(weights.values())
    frags = []
    for gene, w in sorted(weights.items()):
        ends = primer_ends(ann, gene, control=gene not in NTRK_GENES)
        mol = Molecule(gene, transcript(genome, ann, gene))
        frags += primed_fragments(mol, ends, int(round(case.background_pairs * w / total)), lib, rng, f"WT-{gene}")
    if case.has_fusion:
        share = 1.0 if case.tumour_content is None else case.tumour_content / 100
        fused = fused_transcript(genome, ann, case.gene5, case.exon5, case.gene3, case.exon3)
        # primers in the first two kept NTRK exons reach the junction; the molecule's NTRK part
        # starts at its junction, so its primer offsets are those of the gene from exon3, shifted
        ends = [fused.junction + e for e in primer_ends(ann, case.gene3, first=case.exon3)[:2]]
        frags += primed_fragments(fused, ends, int(round(case.fusion_expression * share)), lib, rng, "FUS")
    return frags
