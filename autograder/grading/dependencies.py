"""Counting a bug once, in the part it is in.

Some graded parts are computed from others: Assignment 1's sanity values call
the student's losses and its searches train with them. When such a part fails
together with a part it depends on, the grader runs the graded notebook again
with the failed dependencies replaced by the reference implementation from
solutions/. A dependent part that passes in that run gets its points back,
with a message saying why (grading/gradebook.py records them as manual scores).
The rerun's kernel is sandboxed like the grading one, and a rerun part with
hidden cases also needs its out-of-kernel verdict to pass.
"""
import nbformat

from autograder.cases import dependencies_for, parts_for
from autograder.cases.records import clear_records, records_dir
from autograder.examples import released_notebook, solution_cells
from autograder.judging.verdicts import record_verdict
from autograder.kernel.execute import LimitedNotebookClient
from autograder.kernel.sandbox import SandboxSetupError, remove_unsafe_files
from coursekit.cells import is_test_cell, nbgrader_meta, part_name, cell_verdict


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


def repaired_notebook(graded_path, replacements):
    """The graded notebook with some solution cells replaced and all outputs cleared."""
    nb = nbformat.read(str(graded_path), as_version=4)
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
    """Run notebook node `nb` in a fresh sandboxed kernel under the session's limits and the
    notebook's time budget; return it."""
    LimitedNotebookClient(nb, session.limits, budget, timeout=session.cell_timeout, allow_errors=True,
                          interrupt_on_timeout=True, kernel_name="python3",
                          resources={"metadata": {"path": str(working_dir)}}).execute()
    return nb


def recheck(course, assignment_id, notebook, graded_path, blamed, session):
    """Run the repaired notebook; return {dependent part: passed} for the blamed parts.
    session: the submission's kernel.execute.GradingSession (limits, and this notebook's budget)."""
    parts = parts_for(assignment_id)
    references = solution_cells(course, assignment_id, notebook)
    to_replace = {dependency_cell(parts, d) for deps in blamed.values() for d in deps}
    nb = run_in_sandbox(repaired_notebook(graded_path, {cell: references[cell] for cell in to_replace}),
                        graded_path.parent, session, session.budget(graded_path))
    if nb is None:
        return {part: False for part in blamed}
    verdicts = {part_name(c): cell_verdict(c)[0] for c in nb.cells if is_test_cell(c)}
    return {part: verdicts.get(part, False) and (part not in parts or
                                                 record_verdict(course, assignment_id, part, records_dir(graded_path.parent))[0])
            for part in blamed}


def run_in_sandbox(nb, working_dir, session, budget, attempts=2):
    """Execute `nb` in a sandboxed kernel (like autograde's); None if the kernel dies twice or the
    notebook's time budget is used up, since a rerun that cannot run must cost the student nothing
    more and never stop the batch."""
    for _ in range(attempts):
        if budget.expired():
            break
        clear_records(working_dir)
        try:
            return execute(nbformat.from_dict(nb), working_dir, session, budget)
        except (RuntimeError, SandboxSetupError):  # "Kernel died before replying to kernel_info", DeadKernelError
            continue
        finally:
            remove_unsafe_files(working_dir)
    return None


def count_bugs_once(course, assignment_id, notebook, results, graded_path, session):
    """Give back the points of parts that failed only because a dependency did: update those
    results in place; return the parts given back (the gradebook records them as manual scores)."""
    depends_on = dependencies_for(assignment_id)
    if not depends_on:
        return []
    attempted = attempted_parts(course, assignment_id, notebook, graded_path)
    blamed = blamed_dependencies(results, depends_on, attempted)
    if not blamed:
        return []
    passed = recheck(course, assignment_id, notebook, graded_path, blamed, session)
    given_back = []
    for result in results:
        if passed.get(result.part):
            result.score = result.max_score
            result.message = (f"passed with the reference {', '.join(blamed[result.part])} in place of yours: "
                              "that bug costs points only in its own part.")
            given_back.append(result)
    return given_back
