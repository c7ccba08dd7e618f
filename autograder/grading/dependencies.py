"""Counting a bug once, in the part it is in.

Some graded parts are computed from others: Assignment 1's sanity values call the
student's losses and its searches train with them. When such a part fails together with
a part it depends on, it is judged again with the failed dependencies replaced by the
reference implementation from solutions/; a dependent part that passes then gets its
points back, with a message saying why (grading/gradebook.py records them as manual scores).

- A part whose values the judge runner recomputes (sanity values, experiments) is
  rechecked there: its values are recomputed with the reference code in place of the
  failed dependencies; the values its test cell recorded must still match the student's
  own functions (the first run's recomputation).
- A part that needs the notebook run again (training; or a recomputed part whose cell
  recorded nothing, because the failed dependency stopped it) is rerun, up to the last
  test cell of the parts rerun, in a fresh sandboxed kernel, in a scratch folder of its
  own, never the student's working copy: the rerun cannot alter the graded notebook or
  the records of the first run, and takes the reference code with it when it ends (the
  folder is deleted). It only yields decisions.
  A recomputed part's values from that rerun must match the runner's recomputation with
  the same reference code.
"""
import shutil
import tempfile

import nbformat

from autograder.cases import dependencies_for, parts_for, state_parts_for
from autograder.cases.records import MalformedRecord, unpack_state
from autograder.examples import released_notebook, solution_cells, through_tests_of
from autograder.grading.judgement import usable
from autograder.judging.solution_code import cell_definitions
from autograder.judging.verdicts import state_verdict
from autograder.kernel.execute import LimitedNotebookClient
from autograder.kernel.sandbox import SandboxSetupError, remove_unsafe_files
from coursekit.cells import nbgrader_meta
from coursekit.check import TEXT_ONLY_DISPLAYS


def blamed_dependencies(results, depends_on, attempted):
    """{failed dependent part: [its failed dependencies]} for one notebook's results.

    attempted(part) tells whether the student wrote anything for the part itself:
    a part left as released has nothing a rerun could give points for.
    """
    failed = {r.part for r in results if not r.passed}
    blamed = {part: [d for d in depends_on.get(part, []) if d in failed] for part in failed if attempted(part)}
    return {part: deps for part, deps in blamed.items() if deps}


def attempted_parts(course, assignment_id, notebook, graded_path):
    """A predicate: did the student change the solution cell `<part>_code` from the release?"""
    released = {nbgrader_meta(c).get("grade_id"): c.source for c in released_notebook(course, assignment_id, notebook).cells}
    graded = {nbgrader_meta(c).get("grade_id"): c.source
              for c in nbformat.read(str(graded_path), as_version=4).cells}
    return lambda part: graded.get(f"{part}_code", "").strip() != released.get(f"{part}_code", "").strip()


def repaired_notebook(graded_path, replacements, parts):
    """The graded notebook with some solution cells replaced and all outputs cleared, up to the last
    test cell of `parts` (the cells after it cannot change what those test cells record)."""
    nb = through_tests_of(nbformat.read(str(graded_path), as_version=4), parts)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in replacements:
            cell.source = replacements[grade_id]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def dependency_cell(parts, part):
    """grade_id of the solution cell a dependency lives in: its target's cell, or, for a part
    without hidden cases (an experiment, e.g. Assignment 5's search worker), `<part>_code`."""
    return parts[part].cell if part in parts else f"{part}_code"


def execute(nb, working_dir, session, budget):
    """Run notebook node `nb` in a fresh sandboxed kernel in `working_dir`, under the session's
    limits and the notebook's time budget, with text-only displays (its outputs are thrown away);
    return its state records ({part: bytes})."""
    client = LimitedNotebookClient(nb, session.limits, budget, timeout=session.cell_timeout, allow_errors=True,
                                   interrupt_on_timeout=True, kernel_name="python3",
                                   extra_arguments=list(TEXT_ONLY_DISPLAYS),
                                   resources={"metadata": {"path": str(working_dir)}})
    client.execute()
    return client.state_records


def run_in_scratch(nb, scratch_root, session, budget, attempts=2):
    """The state records of `nb` run in a scratch folder of its own (deleted afterwards); None if
    the kernel dies twice or the notebook's time budget is used up, since a rerun that cannot run
    must cost the student nothing more and never stop the batch."""
    scratch_root.mkdir(parents=True, exist_ok=True)
    for _ in range(attempts):
        if budget.expired():
            break
        folder = tempfile.mkdtemp(prefix="rerun-", dir=scratch_root)
        try:
            return execute(nbformat.from_dict(nb), folder, session, budget)
        except (RuntimeError, SandboxSetupError):  # "Kernel died before replying to kernel_info", DeadKernelError
            continue
        finally:
            remove_unsafe_files(folder)
            shutil.rmtree(folder, ignore_errors=True)
    return None


def reference_definitions(context, dependencies):
    """The definitions of the reference solution cells of `dependencies` (sources, for the runner)."""
    references = solution_cells(context.course, context.assignment_id, context.notebook)
    parts = parts_for(context.assignment_id)
    return [source for d in dependencies for source in cell_definitions(references[dependency_cell(parts, d)])]


def rerun_notebook(context, blamed):
    """{part: passed} of the blamed parts, from the notebook rerun with the reference cells in place."""
    course, assignment_id, notebook = context.course, context.assignment_id, context.notebook
    references = solution_cells(course, assignment_id, notebook)
    parts, state = parts_for(assignment_id), state_parts_for(assignment_id)
    to_replace = {dependency_cell(parts, d) for deps in blamed.values() for d in deps}
    records = run_in_scratch(repaired_notebook(context.graded_path, {cell: references[cell] for cell in to_replace},
                                               set(blamed)),
                             context.scratch_root, context.session, context.session.budget(context.graded_path))
    if records is None:
        return {part: False for part in blamed}
    passed = {}
    for part, deps in blamed.items():
        try:
            recorded = unpack_state(records[part]) if part in records else None
        except MalformedRecord:
            recorded = None
        recomputed = context.runner.recompute(part, reference_definitions(context, deps)) if state[part].recompute \
            else None
        passed[part] = state_verdict(assignment_id, part, recorded, recomputed).passed
    return passed


def recheck_in_runner(context, blamed):
    """{part: passed} of the blamed parts whose values the runner recomputes, with the reference
    definitions of their failed dependencies in place of the student's."""
    passed = {}
    for part, deps in blamed.items():
        rechecked = context.runner.recompute(part, reference_definitions(context, deps))
        passed[part] = state_verdict(context.assignment_id, part, context.first.recorded.get(part),
                                     context.first.recomputed.get(part), rechecked).passed
    return passed


def count_bugs_once(context, results):
    """Give back the points of parts that failed only because a dependency did: update those
    results in place; return the parts given back (the gradebook records them as manual scores).

    context: a RerunContext (the notebook, the first run, the runner, the GradingSession)."""
    depends_on = dependencies_for(context.assignment_id)
    if not depends_on:
        return []
    attempted = attempted_parts(context.course, context.assignment_id, context.notebook, context.graded_path)
    blamed = blamed_dependencies(results, depends_on, attempted)
    if not blamed:
        return []
    state = state_parts_for(context.assignment_id)
    in_runner = {part: deps for part, deps in blamed.items()
                 if state[part].recompute and usable(context.first.recorded.get(part))}
    passed = recheck_in_runner(context, in_runner) if in_runner else {}
    in_notebook = {part: deps for part, deps in blamed.items() if part not in in_runner}
    if in_notebook:
        passed.update(rerun_notebook(context, in_notebook))
    given_back = []
    for result in results:
        if passed.get(result.part):
            result.score = result.max_score
            result.message = (f"passed with the reference {', '.join(blamed[result.part])} in place of yours: "
                              "that bug costs points only in its own part.")
            given_back.append(result)
    return given_back


class RerunContext:
    """What the dependency rerun needs of one graded notebook."""

    def __init__(self, course, assignment_id, notebook, graded_path, first, runner, scratch_root, session):
        self.course, self.assignment_id, self.notebook = course, assignment_id, notebook
        self.graded_path, self.first, self.runner = graded_path, first, runner
        self.scratch_root, self.session = scratch_root, session
