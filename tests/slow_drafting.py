"""A LearnHub Celery worker whose drafting is slow: for the tests (and the soak test) that
kill a worker while it drafts.

Run it as ``python -m tests.slow_drafting worker ...`` with the arguments that follow
``celery --app learnhub``. Before the worker starts, it wraps the drafting module's
``briefs_compose`` (which ``briefs_draft`` calls once it holds the briefs' and their
parties' row locks) so that it first sleeps ``SLOW_DRAFTING_SECONDS`` (none when unset):
time to kill the worker mid-draft. The pool's processes are forked from this one, so
they draft with the wrapper too. The product itself never pauses.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from typing import Any

#: Seconds drafting sleeps, holding its locks, before it computes the briefs.
DELAY_VARIABLE = "SLOW_DRAFTING_SECONDS"


def slow_down_drafting(seconds: float) -> None:
    """Make every drafting sleep ``seconds`` while it holds the row locks."""
    from evidence.services.briefs import drafting

    compose = drafting.briefs_compose

    @functools.wraps(compose)
    def slow_compose(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return compose(*args, **kwargs)

    drafting.briefs_compose = slow_compose


def main(argv: list[str]) -> int:
    import django

    from learnhub.celery import app

    django.setup()
    seconds = float(os.environ.get(DELAY_VARIABLE) or 0)
    if seconds > 0:
        slow_down_drafting(seconds)
    app.worker_main(argv=argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
