"""The audit through `check` (autograder.audit.audit_check): which wrong variants the visible
tests let through, and the test both tiers run."""
# The wrong variants the visible tests let through: only the hidden tests (edge cases,
# strides, epsilons) catch them, and the grader names them. Every other one fails `check`.
PASS_VISIBLE_TESTS = {("assignment1", "softmax_vectorized_global_max"),
                      ("assignment3", "conv2d_forward_ignores_stride"), ("assignment3", "train_updates_only_weights"),
                      ("assignment4", "adagrad_epsilon_inside_sqrt"), ("assignment4", "adam_epsilon_inside_sqrt"),
                      ("assignment5", "kfold_stratified_restart"), ("assignment5", "smoothing_log_of_softmax"),
                      ("assignment5", "bn_eps_outside_sqrt")}


def assert_check_names(verdicts, assignment_id, variant):
    verdict = verdicts[variant.name]
    assert verdict.fails_visible == ((assignment_id, variant.name) not in PASS_VISIBLE_TESTS), verdict.message
    if verdict.fails_visible:
        assert verdict.named, f"check does not name {variant.name}: {verdict.message}"
