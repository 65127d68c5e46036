"""Errors that a user can fix, reported as one line each, never as a traceback."""


class UserError(Exception):
    """A problem with the user's input (sample sheet, BAM, config).

    ``str(err)`` is one or more complete lines, each naming the sample (or file)
    and the problem, ready to be printed as is.
    """

    def __init__(self, problems: str | list[str], samples: tuple[str, ...] = ()):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        self.samples = tuple(samples)  # the samples refused, when the problems are of samples
        super().__init__("\n".join(self.problems))
