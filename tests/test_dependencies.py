"""Which failed parts are re-graded with the reference in place of a failed dependency."""
from autograder.dependencies import blamed_dependencies
from autograder.results import PartResult


def test_a_failed_dependency_is_blamed_only_for_attempted_dependents():
    results = [PartResult("a", "loss", 0, 5, "wrong"), PartResult("a", "sanity", 0, 2, "off"),
               PartResult("a", "search", 0, 3, "low"), PartResult("a", "other", 4, 4, "passed")]
    depends_on = {"sanity": ["loss"], "search": ["loss", "other"], "other": ["loss"]}
    assert blamed_dependencies(results, depends_on, lambda part: True) == {"sanity": ["loss"], "search": ["loss"]}
    assert blamed_dependencies(results, depends_on, lambda part: part != "search") == {"sanity": ["loss"]}
