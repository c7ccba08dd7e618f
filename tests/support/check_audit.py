"""The audit through `check` (autograder.audit.audit_check): which wrong variants the visible
tests let through, and the test both tiers run."""
# The wrong variants the visible tests let through: only the hidden tests (edge cases,
# strides, epsilons) catch them, and the grader names them. Every other one fails `check`.
PASS_VISIBLE_TESTS = {("assignment1", "softmax_vectorized_global_max"),
                      ("assignment3", "conv2d_forward_ignores_stride"), ("assignment3", "train_updates_only_weights"),
                      ("assignment4", "adagrad_epsilon_inside_sqrt"), ("assignment4", "adam_epsilon_inside_sqrt"),
                      ("assignment5", "kfold_stratified_restart"), ("assignment5", "smoothing_log_of_softmax"),
                      ("assignment5", "bn_eps_outside_sqrt"),
                      # Contract cases (issue 16): what the docstring allows but the visible tests do not try.
                      ("assignment1", "svm_vectorized_tie_violated"),  # margins of exactly 0
                      ("assignment1", "svm_naive_tie_violated"),       # margins of exactly 0
                      ("assignment2", "numgrad_copies"),          # f reading x itself, not its argument
                      ("assignment2", "forward_recompute"),       # f reading x itself
                      ("assignment2", "sparse_copy"),             # f reading x itself
                      ("assignment2", "numgrad_flat_view"),       # a transposed x
                      ("assignment2", "array_flat_view"),         # a transposed x
                      ("assignment2", "numgrad_zeros_like"),      # a float32 x (the gradient stays float64)
                      ("assignment2", "rel_divide_into_int"),     # integer arrays
                      ("assignment2", "kink_astype"),             # Python numbers
                      ("assignment3", "svm_loss_tie_violated"),        # margins of exactly 0
                      ("assignment3", "train_acc_on_all_of_x"),        # num_train_eval < N
                      ("assignment4", "ewa_zeros_like"),          # integer values
                      ("assignment4", "step_decay_in_place"),     # the caller's float epochs, not modified
                      ("assignment4", "exponential_decay_in_place"),  # the caller's float epochs, not modified
                      ("assignment5", "kfold_range_of_labels"),   # negative labels
                      ("assignment5", "decay_in_place")}          # next_w a new array: the caller's w not modified


def assert_check_names(verdicts, assignment_id, variant):
    verdict = verdicts[variant.name]
    assert verdict.fails_visible == ((assignment_id, variant.name) not in PASS_VISIBLE_TESTS), verdict.message
    if verdict.fails_visible:
        assert verdict.named, f"check does not name {variant.name}: {verdict.message}"
