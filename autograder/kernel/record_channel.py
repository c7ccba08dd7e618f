"""State records taken off the kernel channel as they arrive, never from the working copy.

A part that checks notebook state (a trained W, sanity values) has its restored test cell
send what the grader needs as one display message (autograder/hidden/ record_state,
autograder/cases/records.py). The grader's notebook client takes that message out of the
notebook as it arrives, before any output limit counts it, keeps it in memory, and, for
nbgrader's autograde, writes it to a folder of the grader's that no kernel can see
(state_record_path): student code running later cannot alter it, as it could a file in
its working copy. A record counts only when it comes from the test cell of its own part
(later ones replace earlier ones: a replay after a kernel died sends them again).
"""
from pathlib import Path

from autograder.cases.records import MalformedRecord, RECORD_MIME, read_state_message
from coursekit.cells import is_test_cell, part_name


def state_record_path(records_dir, student_id, assignment_id, notebook, part):
    """Where the grader keeps one state record of one graded notebook."""
    return Path(records_dir) / student_id / assignment_id / notebook / f"{part}.npz"


class RecordChannel:
    """Mixin for nbclient's NotebookClient (put it before the output cap): takes state records
    out of the notebook into self.state_records, {part: record bytes}."""

    def start_records(self):
        self.state_records = {}

    def output(self, outs, msg, display_id, cell_index):
        data = msg.get("content", {}).get("data")
        if isinstance(data, dict) and RECORD_MIME in data:
            if msg.get("msg_type") == "display_data":
                self.take_record(data[RECORD_MIME], cell_index)
            return None   # never part of the notebook, whoever sent it
        return super().output(outs, msg, display_id, cell_index)

    def take_record(self, content, cell_index):
        cell = self.nb.cells[cell_index] if 0 <= cell_index < len(self.nb.cells) else {}
        try:
            _, part, data = read_state_message(content)
        except MalformedRecord:
            return
        if is_test_cell(cell) and part_name(cell) == part:
            self.state_records[part] = data

    def write_records(self, records_dir, resources):
        """Write this run's state records where the grader reads them (nbgrader's autograde)."""
        names = resources.get("nbgrader", {})
        for part, data in self.state_records.items():
            path = state_record_path(records_dir, names["student"], names["assignment"], names["notebook"], part)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
