"""Shared frame of the Snakemake entry scripts: imports, the job's log, and one-line failures.

Makes ``src/`` importable (so the scripts also run in a ``--sdm conda`` environment that has
the dependencies but not the ntrkfusion package), then runs the job inside ``job(smk)``:

* its log file (the rule's ``log:``) gets, through the ``logging`` module, the pipeline version,
  the rule, wildcards and parameters, what the job reports while it works, and its duration;
* a problem with the input (``UserError``, or a file that cannot be read: ``OSError`` from
  pysam, e.g. a corrupt block) ends the job with one line naming the sample, in the log and
  on the terminal, never a traceback; an unexpected error keeps its traceback in the log only.
"""

import logging
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

# The workflow's own code comes first: in a checkout its src/, as the up-front checks use
# (workflow/rules/common.smk); in an installed copy (no src/ beside it), the installed package.
# Snakemake appends the main process's sys.path to a job's, so "already in sys.path" is not
# enough: it must be in front of site-packages.
SRC = Path(__file__).resolve().parents[1] / "src"
if SRC.is_dir():
    sys.path.insert(0, str(SRC))

import ntrkfusion  # noqa: E402
from ntrkfusion import __version__  # noqa: E402
from ntrkfusion.errors import UserError  # noqa: E402


@contextmanager
def job(smk):
    """Run a job's body with its log set up; turn input problems into one line and exit 1."""
    terminal = sys.stderr
    log = logging.getLogger("ntrkfusion")
    log.setLevel(logging.INFO)
    if smk.log:
        stream = open(smk.log[0], "w", buffering=1)
        sys.stderr = stream  # warnings of the libraries go to the log too
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        log.addHandler(handler)
    sample = dict(smk.wildcards).get("sample")
    log.info("ntrkfusion %s (%s), rule %s%s", __version__, Path(ntrkfusion.__file__).parent, smk.rule,
             f", sample {sample}" if sample else "")  # fmt: skip
    log.info("parameters: %s", {k: v for k, v in smk.params.items()})
    log.info("inputs: %s", [str(f) for f in smk.input])
    start = time.perf_counter()
    try:
        yield log
    except (UserError, OSError) as err:
        lines = err.problems if isinstance(err, UserError) else [_read_error(sample, err)]
        for line in lines:
            log.error(line)
            print(f"ntrkfusion: error: {line}", file=terminal)
        sys.exit(1)
    except Exception as err:  # a bug, not a user mistake: the traceback is for the log
        log.error("unexpected error:\n%s", traceback.format_exc())
        line = f"rule {smk.rule} failed unexpectedly ({type(err).__name__}: {err}); see {smk.log[0] if smk.log else 'the log'}"
        log.error(line)
        print(f"ntrkfusion: error: {line}", file=terminal)
        sys.exit(1)
    log.info("outputs: %s", [str(f) for f in smk.output])
    log.info("done in %.2f s", time.perf_counter() - start)


def _read_error(sample: str | None, err: OSError) -> str:
    who = f"sample {sample}: " if sample else ""
    return f"{who}a file could not be read ({err}); check that it is complete and re-create its index"
