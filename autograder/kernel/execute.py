"""Running a notebook for grading: nbgrader's Execute (and, for runs outside nbgrader, nbclient's
NotebookClient) in a sandboxed kernel, under the submission's limits and the notebook's time budget.

- A kernel that dies (killed, crashed) is replaced by a new one that runs the cells above again,
  so only the parts that need the cell it died in are lost (at most MAX_KERNEL_RESTARTS times).
- The notebook's time budget (limits.Budget) bounds every cell's timeout; when it is used up, or
  the sandbox's watchdog ended the kernel (disk limit), the remaining cells are not run and say why.
- A kernel that cannot be started at all, or a sandbox that cannot be set up, is a failure of the
  grading machine: the GradingSession records it, and the grader reports the submission as not
  graded instead of scoring it (grading/grader.py).
- The state records the restored test cells send are taken off the kernel channel as they arrive
  (record_channel.py) and, for nbgrader's autograde, written to the session's records folder,
  which no kernel sees.
"""
import copy
from pathlib import Path

from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute

from autograder.kernel.limits import Budget, Limits
from autograder.kernel.output_cap import OutputCap
from autograder.kernel.record_channel import RecordChannel
from autograder.kernel.sandbox import SandboxSetupError, sandboxed_manager

KERNEL_DIED = "KernelDied"
STOPPED = "NotRun"
MAX_KERNEL_RESTARTS = 3  # per notebook
NOT_STARTED = "before replying to kernel_info"  # nbclient's words for a kernel that never started


class GradingSession:
    """What the processes started for one submission share: the limits, each notebook's time
    budget (one Budget per graded notebook path, made on first use), the failures of the
    grading machine that stopped a notebook (not the student's doing), and the grader's folder
    for state records (`records_dir`; none are kept when it is None)."""

    def __init__(self, limits=Limits(), cell_timeout=600, records_dir=None):
        self.limits, self.cell_timeout, self.records_dir = limits, cell_timeout, records_dir
        self.start_submission()

    def start_submission(self):
        self.budgets, self.infrastructure_failures = {}, []

    def budget(self, notebook_path):
        key = str(Path(notebook_path).resolve())
        return self.budgets.setdefault(key, Budget(self.limits.notebook_seconds(self.cell_timeout)))

    def infrastructure_failure(self, reason):
        self.infrastructure_failures.append(reason)


def kernel_died_output():
    return new_output("error", ename=KERNEL_DIED, traceback=[], evalue=(
        "the Python process running the notebook stopped while this cell ran (it crashed, or was killed "
        "for using too much memory). The grader started a new one and ran the cells above again."))


def stopped_output(reason):
    return new_output("error", ename=STOPPED, evalue=reason, traceback=[])


def died_here(cell):
    return any(out.get("ename") == KERNEL_DIED for out in cell.get("outputs", []))


def stopped_here(cell):
    """The reason a cell was not run (the budget, the disk limit), or None."""
    return next((out.get("evalue") for out in cell.get("outputs", []) if out.get("ename") == STOPPED), None)


class BudgetedTimeouts:
    """Mixin for nbclient's NotebookClient: no cell may run past the notebook's budget (`self.budget`);
    a cell stopped by it says so instead of nbgrader's "No reply from kernel before timeout"."""

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        remaining = self.budget.remaining()
        if timeout is None or remaining < timeout:
            self.error_on_timeout = {"ename": STOPPED, "evalue": self.budget.reason(), "traceback": []}
            return max(remaining, 0.1)
        self.error_on_timeout = self.cell_timeout_error
        return timeout

    def stop_reason(self):
        """Why no more cells may run (the budget used up, the watchdog ended the kernel), or None."""
        if self.budget.expired():
            return self.budget.reason()
        return getattr(self.km, "stop_reason", None)


class GuardedExecute(BudgetedTimeouts, RecordChannel, OutputCap, Execute):
    """nbgrader's Execute in a sandboxed kernel, with the limits, the output cap and the time budget
    of `session` (a GradingSession; guarded_execute() binds one), taking the state records off the
    kernel channel into the session's records folder."""
    session = GradingSession()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell_timeout_error = dict(self.error_on_timeout)
        self.max_output_chars = self.session.limits.max_output_chars
        self.max_notebook_output_chars = self.session.limits.max_notebook_output_chars
        self.cap_kernel_output()
        self.start_cell()

    def create_kernel_manager(self):
        # Made here, not configured: nbconvert's preprocess() runs NotebookClient.__init__ again, which resets it.
        self.kernel_manager_class = sandboxed_manager(self.session.limits, self.budget)
        return super().create_kernel_manager()

    def preprocess(self, nb, resources=None, km=None):
        self.restarts = 0
        self.start_notebook()
        path = Path(resources["metadata"]["path"]) / f"{resources.get('unique_key', 'notebook')}.ipynb"
        self.budget = self.session.budget(path).start()
        try:
            try:
                self.start_records()
                nb, resources = super().preprocess(nb, resources, km)
            except RuntimeError as error:
                # A kernel that dies while starting (before any cell ran) gets one more try.
                if NOT_STARTED not in str(error):
                    raise
                self.start_records()
                nb, resources = super().preprocess(nb, resources, km)
        except SandboxSetupError as error:
            self.session.infrastructure_failure(str(error))
            raise
        except RuntimeError as error:
            if NOT_STARTED in str(error):
                self.session.infrastructure_failure(f"the Python process for the notebook could not be started: {error}")
            raise
        if self.session.records_dir:
            self.write_records(self.session.records_dir, resources)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        # nbconvert runs cells through here (its execute_cell does not reach an
        # override of async_execute_cell).
        self.start_cell()
        reason = self.stop_reason() if cell.cell_type == "code" else None
        if reason:
            cell.outputs = [stopped_output(reason)]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:  # the kernel did not come back after the budget's interrupt
            if not self.stop_reason():
                raise
            cell.outputs.append(stopped_output(self.stop_reason()))
        except DeadKernelError:
            if self.stop_reason():
                cell.outputs.append(stopped_output(self.stop_reason()))
            elif self.restarts >= MAX_KERNEL_RESTARTS:
                raise
            else:
                cell.outputs.append(kernel_died_output())
                self.restart_and_replay(index)
        self.finish_cell(cell)
        return cell, resources

    def restart_and_replay(self, index):
        """A new kernel that has run the code cells above cell `index` again (their outputs are not kept),
        so that only the parts that need the cell that killed the kernel lose their points."""
        self.restarts += 1
        self._cleanup_kernel()
        self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        kept = self._notebook_total.kept  # the replay's outputs are thrown away: they cost no room
        for earlier_index, earlier in enumerate(self.nb.cells[:index]):
            if self.stop_reason():
                break
            if earlier.cell_type == "code" and not died_here(earlier) and not stopped_here(earlier):
                self.start_cell()
                try:
                    self.execute_cell(copy.deepcopy(earlier), earlier_index, store_history=True)
                except CellTimeoutError:
                    if not self.stop_reason():
                        raise
        self._notebook_total.kept = kept


def guarded_execute(session):
    """GuardedExecute bound to `session`, for nbgrader's list of autograde preprocessors (a class)."""
    return type("GuardedExecute", (GuardedExecute,), {"session": session})


class LimitedNotebookClient(BudgetedTimeouts, RecordChannel, OutputCap, NotebookClient):
    """An nbclient NotebookClient in a sandboxed kernel with the limits, the output cap and the
    notebook's time budget, for grading runs outside nbgrader (the dependency rerun); its state
    records are in self.state_records."""

    def __init__(self, nb, limits, budget, **kwargs):
        super().__init__(nb, kernel_manager_class=sandboxed_manager(limits, budget), **kwargs)
        self.budget = budget.start()
        self.cell_timeout_error = self.error_on_timeout
        self.max_output_chars = limits.max_output_chars
        self.max_notebook_output_chars = limits.max_notebook_output_chars
        self.cap_kernel_output()
        self.start_notebook()
        self.start_cell()
        self.start_records()

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self.start_cell()
        if cell.cell_type == "code" and self.stop_reason():
            cell.outputs = [stopped_output(self.stop_reason())]
            return cell
        try:
            result = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except CellTimeoutError:  # the kernel did not come back after the budget's interrupt
            if not self.stop_reason():
                raise
            cell.outputs.append(stopped_output(self.stop_reason()))
            result = cell
        self.finish_cell(cell)
        return result
