"""One upload from form to outcome, shared by the department page and the API: stage the file,
check and record it in a worker process, remove the staging copy."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from selfeval_xl.web import jobs
from selfeval_xl.web.auth import Dept
from selfeval_xl.web.jobs import Outcome
from selfeval_xl.web.uploads import stage
from selfeval_xl.web.workers import WorkerCrashed

if TYPE_CHECKING:
    from selfeval_xl.web.app import WebState


async def receive(state: WebState, form: FormData, dept: Dept) -> Outcome:
    """Raises uploads.UploadRefused for a missing, oversized or non-workbook-named file."""
    cfg = state.config
    assert state.spool is not None and state.workers is not None  # set by the app's lifespan
    staged = await run_in_threadpool(stage, form.get("file"), state.spool, cfg.max_upload)
    try:
        if not staged.looks_like_workbook:
            # Not a workbook container: the checker's own finding, at once and without a worker.
            from selfeval_xl.pipeline import check_file

            sub = await run_in_threadpool(check_file, staged.path)
            return Outcome(jobs.UNREADABLE, replace(sub, file=staged.original_name))
        try:
            return await state.workers.run(jobs.intake, str(staged.path), staged.original_name, str(cfg.archive),
                                           dept.code, dept.name, state.round)
        except WorkerCrashed as exc:
            from selfeval_xl.pipeline import internal_error

            return Outcome(jobs.INTERNAL, replace(internal_error(staged.path, exc), file=staged.original_name),
                           message=jobs.INTERNAL_MSG)
    finally:
        await run_in_threadpool(staged.remove)
