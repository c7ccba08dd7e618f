"""How the audit packs variants into submissions and judges a graded one (no kernel)."""
from autograder.audit import judge, pack
from autograder.catalog import Variant
from autograder.reports.model import PartGrade, StudentGrades, SubmissionGrades


def variant(name, part, cell, kind="wrong", description=""):
    return Variant(name, part, kind, description, "", cell, "")


def test_pack_never_puts_two_variants_on_one_part_or_cell_nor_mixes_kinds():
    catalog = [variant("a", "p1", "c1"), variant("b", "p1", "c1"), variant("c", "p2", "c1"),
               variant("d", "p3", "c3"), variant("e", "p3", "c3", kind="correct")]
    groups = [[v.name for v in group] for group in pack(catalog)]
    assert groups == [["a", "d"], ["b"], ["c"], ["e"]]


def test_judge_wants_the_own_part_lost_named_and_nothing_else_lost():
    a, d = variant("a", "p1", "c1", description="sums"), variant("d", "p3", "c3", description="forgets")
    def report(*lost, message="p1: Likely cause: your code sums."):
        parts = [PartGrade("x", p, 0 if p in lost else 1, 1, message if p == "p1" else "m") for p in ("p1", "p2", "p3")]
        return StudentGrades("wrong-01", [SubmissionGrades("wrong-01", "x", parts)])
    assert judge(a, [a, d], report("p1", "p3"))[:2] == (True, True)
    assert judge(a, [a, d], report("p1", "p2", "p3"))[0] is False          # p2 had no bug
    assert judge(a, [a, d], report("p3"))[0] is False                      # its own part kept its points
    assert judge(a, [a, d], report("p1", "p3", message="wrong"))[1] is False  # not named
    right = variant("e", "p1", "c1", kind="correct")
    assert judge(right, [right], report())[0] is True and judge(right, [right], report("p2"))[0] is False
