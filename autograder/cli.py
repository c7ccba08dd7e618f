"""Command line: `python -m autograder {release,grade,export,check,references,demo,audit,gradescope}`."""
import argparse
import sys
from pathlib import Path

from autograder.course import REPO_ROOT, Course

DESCRIPTION = """Release, grade and check the course's notebooks with nbgrader.

  release [ASSIGNMENT]     solutions/ -> assignments/ (refuses any leak)
  grade SUBMISSIONS        autograde a folder or zip of <student>/<assignment>/<notebook>.ipynb
  export                   write grades.csv, canvas.csv, feedback and summaries again from the gradebook
  check NOTEBOOK           for students: run a notebook and report each graded part
  references [ASSIGNMENT]  regenerate the hidden tests' reference numbers from the solutions
  demo                     build example submissions and grade them end to end
  audit [ASSIGNMENT]       grade every catalogued variant: wrong ones rejected, right ones accepted
  gradescope ASSIGNMENT    build a Gradescope autograder zip that grades with the same grader
"""


def cmd_release(args):
    from autograder.release.release import LeakError, release
    course = Course.from_repo()
    for assignment_id in args.assignments or course.assignment_ids():
        try:
            target = release(course, assignment_id)
        except LeakError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"Released {assignment_id} -> {target.relative_to(REPO_ROOT)}")
    return 0


def cmd_grade(args):
    from autograder.grading.batch import grade
    from autograder.grading.intake import IntakeLimits
    from autograder.kernel.limits import Limits, check_memory_limit, parse_size
    try:
        limits = Limits(check_memory_limit(parse_size(args.memory_limit)), args.max_output,
                        parse_size(args.max_notebook_output), args.max_processes, args.cpus,
                        parse_size(args.tmp_size), parse_size(args.disk_limit), args.notebook_timeout)
    except ValueError as error:
        print(f"--memory-limit: {error}", file=sys.stderr)
        return 2
    intake = IntakeLimits(max_notebook_bytes=parse_size(args.max_notebook_size),
                          max_unpacked_bytes=parse_size(args.max_batch_size))
    grade(Course.from_repo(args.data_size), args.submissions, args.output, args.assignment, args.timeout,
          args.db_url, jobs=args.jobs, cluster=args.cluster, force=args.force, limits=limits, intake=intake,
          missing_as_zero=args.missing_as_zero)
    return 0


def cmd_export(args):
    from autograder.exports.export import export_all
    from autograder.grading.gradebook import with_driver
    output = args.output.resolve()
    db_url = with_driver(args.db_url) if args.db_url else f"sqlite:///{output / 'gradebook.db'}"
    if not args.db_url and not (output / "gradebook.db").is_file():
        print(f"No gradebook at {output / 'gradebook.db'}: give --db-url, or the --output of `grade`.", file=sys.stderr)
        return 2
    export_all(Course.from_repo(), db_url, output, args.assignment, None, args.missing_as_zero, output / "course",
               quiet=False)
    return 0


def cmd_check(args):
    from coursekit.check import main as check_main
    return check_main([str(args.notebook), "--timeout", str(args.timeout), "--data-size", args.data_size])


def cmd_references(args):
    from autograder.judging.references import write_references
    course = Course.from_repo()
    for assignment_id in args.assignments or course.assignment_ids():
        path = write_references(course, assignment_id)
        print(f"Wrote {path.relative_to(REPO_ROOT)}")
    return 0


def cmd_demo(args):
    from autograder.demo import run_demo
    run_demo(Course.from_repo(args.data_size), args.output, args.timeout, args.jobs)
    return 0


def cmd_audit(args):
    from autograder.audit import run_audit
    return 0 if run_audit(Course.from_repo(args.data_size), args.assignments, args.jobs, check=not args.no_check) else 1


def cmd_gradescope(args):
    from autograder.gradescope.build import build
    course = Course.from_repo()
    if args.assignment not in course.assignment_ids():
        print(f"No assignment {args.assignment!r}; the course has {', '.join(course.assignment_ids())}.", file=sys.stderr)
        return 2
    output = args.output or REPO_ROOT / "grading_output" / f"gradescope-{args.assignment}.zip"
    path = build(course, args.assignment, output, args.data_size, args.timeout)
    print(f"Wrote {path}: upload it as the autograder of a Gradescope programming assignment "
          "(Ubuntu 24.04 base image; see docs/instructors.md).")
    return 0


MISSING_AS_ZERO = ("write 0, not a blank, for a student with no submission of an assignment in canvas.csv and "
                   "grades.csv (after the deadline)")


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser("release", help="release assignments from solutions/ into assignments/")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    release.set_defaults(run=cmd_release)

    grade = commands.add_parser(
        "grade", help="autograde a folder or zip of submissions",
        description="Autograde a folder or zip of submissions. Every notebook runs in the sandbox "
                    "(docs/threat-model.md): no network, only the files it needs in view, a user and a cgroup "
                    "of its own, under the limits below (docs/reliability.md).")
    grade.add_argument("submissions", type=Path, help="folder or .zip of <student_id>/<assignment>/<notebook>.ipynb")
    grade.add_argument("--output", type=Path, default=REPO_ROOT / "grading_output",
                       help="where grades.csv, feedback/ and the gradebook go (default: grading_output/)")
    grade.add_argument("--assignment", action="append", help="grade only this assignment (repeatable)")
    grade.add_argument("--timeout", type=int, default=600, help="seconds allowed per notebook cell (default 600)")
    grade.add_argument("--db-url", help="gradebook SQLAlchemy URL (default: SQLite in the output folder)")
    grade.add_argument("--data-size", choices=["full", "small"],
                       help="data size the notebooks run on (default: COURSE_DATA_SIZE, else full)")
    grade.add_argument("--jobs", type=int, default=1,
                       help="grade in this many worker processes (default 1; use the number of cores)")
    grade.add_argument("--cluster", metavar="ADDRESS",
                       help="grade on a Dask distributed cluster, e.g. tcp://scheduler:8786 (see README)")
    grade.add_argument("--force", action="store_true",
                       help="grade again the submissions a previous run already finished in this gradebook")
    grade.add_argument("--memory-limit", default="4G",
                       help="memory each notebook's kernel may use, e.g. 4G or 1500M: address space per process, "
                            "and (with cgroups) resident memory of the kernel, its children and its /tmp "
                            "together (default 4G)")
    grade.add_argument("--max-processes", type=int, default=256,
                       help="processes and threads each kernel may run at once (default 256)")
    grade.add_argument("--cpus", type=float, default=1.0,
                       help="cores' worth of CPU time each kernel may use (cgroups; default 1)")
    grade.add_argument("--tmp-size", default="512M", help="size of each kernel's private /tmp (default 512M)")
    grade.add_argument("--disk-limit", default="512M",
                       help="bytes a kernel may write into its working copy; past it the kernel is stopped "
                            "(default 512M)")
    grade.add_argument("--notebook-timeout", type=float,
                       help="seconds one notebook may take in all (its cells, restarts after a crash and the "
                            "rerun that counts a bug once); default 3 x --timeout")
    grade.add_argument("--max-output", type=int, default=50_000,
                       help="characters of output kept per cell; the rest is cut with a note (default 50000)")
    grade.add_argument("--max-notebook-output", default="20M",
                       help="characters of output kept in a whole graded notebook, however they arrive "
                            "(prints, displays and their updates); the rest is dropped with a note (default 20M)")
    grade.add_argument("--max-notebook-size", default="25M",
                       help="a submitted notebook (or any file in a zip of submissions) larger than this is "
                            "not graded, with the reason (default 25M)")
    grade.add_argument("--max-batch-size", default="16G",
                       help="a zip of submissions unpacks to at most this much; members past it are skipped "
                            "with a note (default 16G)")
    grade.add_argument("--missing-as-zero", action="store_true", help=MISSING_AS_ZERO)
    grade.set_defaults(run=cmd_grade)

    export = commands.add_parser("export", help="write every export again from the gradebook (after formgrader)")
    export.add_argument("--output", type=Path, default=REPO_ROOT / "grading_output",
                        help="the --output of `grade`: its gradebook.db and course/ are read, the exports "
                             "written there (default: grading_output/)")
    export.add_argument("--db-url", help="gradebook SQLAlchemy URL (default: gradebook.db in the output folder)")
    export.add_argument("--assignment", action="append",
                        help="export only this assignment (repeatable; default: every assignment with a submission)")
    export.add_argument("--missing-as-zero", action="store_true", help=MISSING_AS_ZERO)
    export.set_defaults(run=cmd_export)

    check = commands.add_parser("check", help="run a notebook and report each graded part (visible tests)")
    check.add_argument("notebook", type=Path)
    check.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    check.add_argument("--data-size", choices=["full", "small"], default="small",
                       help="data size the notebook runs on (default small)")
    check.set_defaults(run=cmd_check)

    references = commands.add_parser("references", help="regenerate reference numbers from the solutions")
    references.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    references.set_defaults(run=cmd_references)

    demo = commands.add_parser("demo", help="grade example submissions end to end")
    demo.add_argument("--output", type=Path, default=REPO_ROOT / "demo_output")
    demo.add_argument("--data-size", choices=["full", "small"], default="small")
    demo.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell")
    demo.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    demo.set_defaults(run=cmd_demo)
    audit = commands.add_parser("audit", help="grade every catalogued variant and report what was caught")
    audit.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all with a catalog")
    audit.add_argument("--data-size", choices=["full", "small"], default="small")
    audit.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    audit.add_argument("--no-check", action="store_true",
                       help="skip the student-side audit (each wrong variant through `check`, named or not)")
    audit.set_defaults(run=cmd_audit)

    gradescope = commands.add_parser("gradescope", help="build a Gradescope autograder zip for one assignment")
    gradescope.add_argument("assignment", metavar="ASSIGNMENT")
    gradescope.add_argument("--output", type=Path, help="the zip (default: grading_output/gradescope-ASSIGNMENT.zip)")
    gradescope.add_argument("--data-size", choices=["full", "small"], default="small",
                            help="data size submissions run on at Gradescope (default small)")
    gradescope.add_argument("--timeout", type=int, default=600, help="seconds allowed per notebook cell (default 600)")
    gradescope.set_defaults(run=cmd_gradescope)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args)
