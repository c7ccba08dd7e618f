"""Reference outputs for hidden tests, generated from the solutions.

`python -m autograder references` runs every hidden-test case of every graded
part through the solution implementation and stores the outputs in
the course's references folder (autograder/judging/references/<assignment>.json
for this repository). Nobody edits that file by hand; a
test fails when it disagrees with the solutions.
"""
import json

import numpy as np

from autograder.cases import parts_for
from autograder.trusted import helper_functions

FORMAT_VERSION = 1


def encode(value):
    array = np.asarray(value, dtype=np.float64)
    return {"shape": list(array.shape), "values": array.ravel().tolist()}


def decode(entry):
    return np.array(entry["values"], dtype=np.float64).reshape(entry["shape"])


def compute_references(course, assignment_id):
    """Run every case through the solutions; return {part: {case name: {output: value}}}."""
    from autograder.judging.solution_code import solution_namespace   # nbformat: slow to import, not needed by hidden tests
    namespace = solution_namespace(course, assignment_id)
    result = {}
    for part_name, part in parts_for(assignment_id).items():
        target, trusted = namespace[part.target], helper_functions(assignment_id, part.trusted)
        result[part_name] = {case.name: part.run(target, case.make_inputs(), trusted) for case in part.cases}
    return result


def write_references(course, assignment_id):
    """Regenerate the reference file of one assignment; return its path."""
    from autograder.judging.solution_code import solution_digest
    computed = compute_references(course, assignment_id)
    document = {
        "assignment": assignment_id,
        "format_version": FORMAT_VERSION,
        "generated_by": "python -m autograder references",
        "solution_sha256": solution_digest(course, assignment_id),
        "parts": {part: {case: {name: encode(v) for name, v in outputs.items()}
                         for case, outputs in cases.items()}
                  for part, cases in computed.items()},
    }
    path = course.references_file(assignment_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n")
    return path


def load_references(course, assignment_id):
    """The stored references: {part: {case name: {output: array}}}."""
    document = json.loads(course.references_file(assignment_id).read_text())
    return {part: {case: {name: decode(v) for name, v in outputs.items()} for case, outputs in cases.items()}
            for part, cases in document["parts"].items()}


def stored_digest(course, assignment_id):
    return json.loads(course.references_file(assignment_id).read_text())["solution_sha256"]
