"""nbgrader preprocessors this course adds to the autograde pipeline."""
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


class StderrIsNotFailure(NbGraderPreprocessor):
    """Keep warnings on stderr from costing a test cell its points.

    Plain nbgrader gives 0 to any graded cell with stderr output, so a harmless
    RuntimeWarning fails a correct answer. This moves stderr text of graded
    cells into stdout, marked "[stderr]", before the grade is decided; errors
    still fail the cell.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = "".join(f"[stderr] {line}" for line in output.text.splitlines(True))
        return cell, resources
