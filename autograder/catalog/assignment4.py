"""Known variants of Assignment 4's graded functions.

Each wrong variant is a typical student bug, written as the full source of the
solution cell it replaces; most are small edits of a correct version (`fix`
applies them and fails loudly if the edit no longer applies).
"""
from autograder.catalog import correct, fix, wrong

SGD = '''
def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config
'''

MOMENTUM = '''
def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config
'''

NESTEROV = '''
def nesterov(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    mu = config["momentum"]
    v_prev = v
    v = mu * v - config["learning_rate"] * dw
    next_w = w - mu * v_prev + (1 + mu) * v
    config["velocity"] = v
    return next_w, config
'''

ADAGRAD = '''
def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    config["cache"] = config["cache"] + dw ** 2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    return next_w, config
'''

RMSPROP = '''
def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    rho = config["decay_rate"]
    config["cache"] = rho * config["cache"] + (1 - rho) * dw ** 2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    return next_w, config
'''

ADADELTA = '''
def adadelta(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("decay_rate", 0.95)
    config.setdefault("epsilon", 1e-6)
    config.setdefault("cache", np.zeros_like(w))
    config.setdefault("delta_cache", np.zeros_like(w))
    rho, eps = config["decay_rate"], config["epsilon"]
    config["cache"] = rho * config["cache"] + (1 - rho) * dw ** 2
    update = -np.sqrt(config["delta_cache"] + eps) / np.sqrt(config["cache"] + eps) * dw
    config["delta_cache"] = rho * config["delta_cache"] + (1 - rho) * update ** 2
    next_w = w + update
    return next_w, config
'''

ADAM = '''
def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    beta1, beta2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    config["m"] = beta1 * config["m"] + (1 - beta1) * dw
    config["v"] = beta2 * config["v"] + (1 - beta2) * dw ** 2
    m_hat = config["m"] / (1 - beta1 ** t)
    v_hat = config["v"] / (1 - beta2 ** t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    return next_w, config
'''

EWA = '''
def exponentially_weighted_average(values, beta, bias_correction=True):
    averages = np.zeros(len(values))
    v = 0.0
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        averages[t - 1] = v / (1 - beta ** t) if bias_correction else v
    return averages
'''

STEP_DECAY = '''
def step_decay(learning_rate, epoch, step_size=10, factor=0.5):
    return learning_rate * factor ** np.floor(np.asarray(epoch) / step_size)
'''

EXPONENTIAL_DECAY = '''
def exponential_decay(learning_rate, epoch, k=0.1):
    return learning_rate * np.exp(-k * np.asarray(epoch))
'''

INVERSE_TIME_DECAY = '''
def inverse_time_decay(learning_rate, epoch, k=0.1):
    return learning_rate / (1 + k * np.asarray(epoch))
'''

NEWTON_STEP = '''
def newton_step(w, grad, hessian):
    return w - np.linalg.solve(hessian, grad)
'''


VARIANTS = [
    # sgd
    wrong("sgd_ascent", "sgd", "adds the gradient instead of subtracting it",
          "step downhill: next_w = w - learning_rate * dw", fix(SGD, ("w - config", "w + config"))),
    wrong("sgd_fixed_learning_rate", "sgd", "ignores config['learning_rate'] and always uses the default learning rate",
          "read the learning rate from config, which may hold the caller's own value",
          fix(SGD, ('config["learning_rate"] * dw', "1e-2 * dw"))),
    wrong("sgd_no_learning_rate", "sgd", "steps by the whole gradient, without the learning rate",
          "multiply dw by config['learning_rate']", fix(SGD, ('w - config["learning_rate"] * dw', "w - dw"))),
    wrong("sgd_config_none_crashes", "sgd", "fails when config is None",
          "keep the given lines that replace config=None by an empty dict and fill in the defaults",
          fix(SGD, ("    if config is None:\n        config = {}\n", ""))),
    correct("sgd_in_place", "sgd", "updates w in place", fix(SGD, ('    next_w = w - config["learning_rate"] * dw\n',
                                                                  '    w -= config["learning_rate"] * dw\n    next_w = w\n'))),
    correct("sgd_subtract", "sgd", "np.subtract with the defaults merged by dict unpacking", '''
def sgd(w, dw, config=None):
    config = {"learning_rate": 1e-2, **(config or {})}
    return np.subtract(w, np.multiply(config["learning_rate"], dw)), config
'''),
    # sgd_momentum
    wrong("momentum_gradient_sign_flipped", "sgd_momentum", "adds the gradient to the velocity (the sign of dw is flipped)",
          "v = momentum * v - learning_rate * dw: the velocity points downhill",
          fix(MOMENTUM, ('- config["learning_rate"] * dw', '+ config["learning_rate"] * dw'))),
    wrong("momentum_old_velocity", "sgd_momentum", "moves w with the old velocity, then updates the velocity",
          "update v first, then next_w = w + v with the new v",
          fix(MOMENTUM, ('    v = config["momentum"] * v - config["learning_rate"] * dw\n    next_w = w + v\n',
                         '    next_w = w + v\n    v = config["momentum"] * v - config["learning_rate"] * dw\n'))),
    wrong("momentum_dampened", "sgd_momentum", "scales the gradient by (1 - momentum) as well",
          "this course (like CS231n) uses v = momentum * v - learning_rate * dw, without a (1 - momentum) factor",
          fix(MOMENTUM, ('- config["learning_rate"] * dw', '- (1 - config["momentum"]) * config["learning_rate"] * dw'))),
    wrong("momentum_velocity_not_stored", "sgd_momentum", "does not store the new velocity in config",
          "keep config['velocity'] = v at the end, so the next call continues from it",
          fix(MOMENTUM, ('    config["velocity"] = v\n', ''))),
    wrong("momentum_no_learning_rate", "sgd_momentum", "adds the whole gradient to the velocity, without the learning rate",
          "v = momentum * v - learning_rate * dw", fix(MOMENTUM, ('- config["learning_rate"] * dw', '- dw'))),
    correct("momentum_in_place", "sgd_momentum", "updates a copy of the velocity in place",
            fix(MOMENTUM, ('    v = config["momentum"] * v - config["learning_rate"] * dw\n',
                           '    v = v * config["momentum"]\n    v -= config["learning_rate"] * dw\n'))),
    correct("momentum_w_minus", "sgd_momentum", "writes the step as w - (learning_rate * dw - momentum * v)",
            fix(MOMENTUM, ('    v = config["momentum"] * v - config["learning_rate"] * dw\n    next_w = w + v\n',
                           '    step = config["learning_rate"] * dw - config["momentum"] * v\n    next_w = w - step\n    v = -step\n'))),
    # nesterov
    wrong("nesterov_plain_momentum", "nesterov", "takes a plain momentum step (next_w = w + v)",
          "Nesterov's implementable form is next_w = w - momentum * v_prev + (1 + momentum) * v",
          fix(NESTEROV, ("w - mu * v_prev + (1 + mu) * v", "w + v"))),
    wrong("nesterov_first_term_sign", "nesterov", "adds momentum * v_prev instead of subtracting it",
          "next_w = w - momentum * v_prev + (1 + momentum) * v", fix(NESTEROV, ("w - mu * v_prev", "w + mu * v_prev"))),
    wrong("nesterov_one_minus_mu", "nesterov", "uses (1 - momentum) instead of (1 + momentum) in front of v",
          "the new velocity is weighted by 1 + momentum", fix(NESTEROV, ("(1 + mu) * v", "(1 - mu) * v"))),
    wrong("nesterov_gradient_sign_flipped", "nesterov", "adds the gradient to the velocity (the sign of dw is flipped)",
          "v = momentum * v - learning_rate * dw", fix(NESTEROV, ('- config["learning_rate"] * dw', '+ config["learning_rate"] * dw'))),
    correct("nesterov_expanded", "nesterov", "next_w = w + mu**2 * v_prev - (1 + mu) * learning_rate * dw",
            fix(NESTEROV, ("w - mu * v_prev + (1 + mu) * v", "w + mu ** 2 * v_prev - (1 + mu) * config[\"learning_rate\"] * dw"))),
    correct("nesterov_correction_term", "nesterov", "next_w = w + v + mu * (v - v_prev)",
            fix(NESTEROV, ("w - mu * v_prev + (1 + mu) * v", "w + v + mu * (v - v_prev)"))),
    # adagrad
    wrong("adagrad_no_sqrt", "adagrad", "divides by the cache instead of its square root",
          "divide by np.sqrt(cache) + epsilon", fix(ADAGRAD, ('np.sqrt(config["cache"])', 'config["cache"]'))),
    wrong("adagrad_epsilon_inside_sqrt", "adagrad", "adds epsilon inside the square root",
          "epsilon goes outside: dw / (np.sqrt(cache) + epsilon)",
          fix(ADAGRAD, ('(np.sqrt(config["cache"]) + config["epsilon"])', 'np.sqrt(config["cache"] + config["epsilon"])'))),
    wrong("adagrad_cache_replaced", "adagrad", "replaces the cache by dw**2 instead of adding to it",
          "Adagrad's cache is the sum of all squared gradients: cache += dw**2",
          fix(ADAGRAD, ('config["cache"] = config["cache"] + dw ** 2', 'config["cache"] = dw ** 2'))),
    wrong("adagrad_cache_not_squared", "adagrad", "accumulates |dw| instead of dw**2",
          "the cache sums the squared gradients", fix(ADAGRAD, ('config["cache"] + dw ** 2', 'config["cache"] + np.abs(dw)'))),
    correct("adagrad_in_place", "adagrad", "accumulates into a copy of the cache in place",
            fix(ADAGRAD, ('    config["cache"] = config["cache"] + dw ** 2\n',
                          '    cache = config["cache"].copy()\n    cache += dw * dw\n    config["cache"] = cache\n'))),
    correct("adagrad_divide", "adagrad", "np.divide and np.square",
            fix(ADAGRAD, ('config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])',
                          'np.divide(config["learning_rate"] * dw, np.sqrt(config["cache"]) + config["epsilon"])'),
                ("dw ** 2", "np.square(dw)"))),
    # rmsprop
    wrong("rmsprop_no_sqrt", "rmsprop", "divides by the cache instead of its square root",
          "divide by np.sqrt(cache) + epsilon", fix(RMSPROP, ('np.sqrt(config["cache"])', 'config["cache"]'))),
    wrong("rmsprop_epsilon_inside_sqrt", "rmsprop", "adds epsilon inside the square root",
          "epsilon goes outside: dw / (np.sqrt(cache) + epsilon)",
          fix(RMSPROP, ('(np.sqrt(config["cache"]) + config["epsilon"])', 'np.sqrt(config["cache"] + config["epsilon"])'))),
    wrong("rmsprop_weights_swapped", "rmsprop", "gives the new squared gradient the weight decay_rate and the cache 1 - decay_rate",
          "cache = decay_rate * cache + (1 - decay_rate) * dw**2: decay_rate is the weight of the past",
          fix(RMSPROP, ("rho * config[\"cache\"] + (1 - rho) * dw ** 2", "(1 - rho) * config[\"cache\"] + rho * dw ** 2"))),
    wrong("rmsprop_no_decay", "rmsprop", "sums the squared gradients without decay (that is Adagrad)",
          "RMSprop averages: cache = decay_rate * cache + (1 - decay_rate) * dw**2",
          fix(RMSPROP, ("rho * config[\"cache\"] + (1 - rho) * dw ** 2", "config[\"cache\"] + dw ** 2"))),
    correct("rmsprop_lerp", "rmsprop", "moves the cache towards dw**2 by a fraction 1 - decay_rate",
            fix(RMSPROP, ("rho * config[\"cache\"] + (1 - rho) * dw ** 2",
                          "config[\"cache\"] + (1 - rho) * (dw * dw - config[\"cache\"])"))),
    correct("rmsprop_rms_variable", "rmsprop", "names the root mean square and multiplies by the learning rate last",
            fix(RMSPROP, ('    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])\n',
                          '    rms = np.sqrt(config["cache"]) + config["epsilon"]\n    next_w = w - (dw / rms) * config["learning_rate"]\n'))),
    # adadelta
    wrong("adadelta_no_epsilon_in_numerator", "adadelta", "leaves epsilon out of the numerator (so it never moves from a zero delta_cache)",
          "the numerator is sqrt(delta_cache + epsilon)",
          fix(ADADELTA, ('np.sqrt(config["delta_cache"] + eps)', 'np.sqrt(config["delta_cache"])'))),
    wrong("adadelta_ratio_inverted", "adadelta", "divides RMS[gradients] by RMS[updates] (the ratio is upside down)",
          "update = -sqrt(delta_cache + eps) / sqrt(cache + eps) * dw",
          fix(ADADELTA, ('-np.sqrt(config["delta_cache"] + eps) / np.sqrt(config["cache"] + eps)',
                         '-np.sqrt(config["cache"] + eps) / np.sqrt(config["delta_cache"] + eps)'))),
    wrong("adadelta_delta_updated_first", "adadelta", "updates delta_cache with dw**2 before the step, instead of with the squared update after it",
          "delta_cache averages the squared updates, after the step: rho * delta_cache + (1 - rho) * update**2",
          fix(ADADELTA, ('    update = -np.sqrt(config["delta_cache"] + eps) / np.sqrt(config["cache"] + eps) * dw\n'
                         '    config["delta_cache"] = rho * config["delta_cache"] + (1 - rho) * update ** 2\n',
                         '    config["delta_cache"] = rho * config["delta_cache"] + (1 - rho) * dw ** 2\n'
                         '    update = -np.sqrt(config["delta_cache"] + eps) / np.sqrt(config["cache"] + eps) * dw\n'))),
    wrong("adadelta_no_sqrt", "adadelta", "divides the two averages without taking their square roots",
          "the step is RMS[updates] / RMS[gradients] * dw: sqrt(delta_cache + eps) / sqrt(cache + eps)",
          fix(ADADELTA, ('-np.sqrt(config["delta_cache"] + eps) / np.sqrt(config["cache"] + eps)',
                         '-(config["delta_cache"] + eps) / (config["cache"] + eps)'))),
    wrong("adadelta_update_sign", "adadelta", "moves w uphill (the sign of the update is flipped)",
          "update = -sqrt(delta_cache + eps) / sqrt(cache + eps) * dw; next_w = w + update",
          fix(ADADELTA, ("next_w = w + update", "next_w = w - update"))),
    correct("adadelta_one_sqrt", "adadelta", "one square root of the ratio of the two averages",
            fix(ADADELTA, ('-np.sqrt(config["delta_cache"] + eps) / np.sqrt(config["cache"] + eps) * dw',
                           '-np.sqrt((config["delta_cache"] + eps) / (config["cache"] + eps)) * dw'))),
    correct("adadelta_local_names", "adadelta", "works on local variables and stores them at the end", '''
def adadelta(w, dw, config=None):
    config = {} if config is None else config
    rho = config.setdefault("decay_rate", 0.95)
    eps = config.setdefault("epsilon", 1e-6)
    Eg2 = config.get("cache", np.zeros_like(w))
    Edx2 = config.get("delta_cache", np.zeros_like(w))
    Eg2 = rho * Eg2 + (1 - rho) * np.square(dw)
    dx = -(np.sqrt(Edx2 + eps) / np.sqrt(Eg2 + eps)) * dw
    Edx2 = rho * Edx2 + (1 - rho) * np.square(dx)
    config["cache"], config["delta_cache"] = Eg2, Edx2
    return w + dx, config
'''),
    # adam
    wrong("adam_no_bias_correction", "adam", "uses m and v without bias correction",
          "divide m by 1 - beta1**t and v by 1 - beta2**t before the step",
          fix(ADAM, ('config["m"] / (1 - beta1 ** t)', 'config["m"]'), ('config["v"] / (1 - beta2 ** t)', 'config["v"]'))),
    wrong("adam_t_after_use", "adam", "increments t after using it (so the first step divides by 1 - beta**0 = 0)",
          "increment config['t'] first, then use it: the first step has t = 1",
          fix(ADAM, ('    config["t"] += 1\n    t = config["t"]\n', '    t = config["t"]\n    config["t"] += 1\n'))),
    wrong("adam_t_not_stored", "adam", "uses t + 1 without storing it, so every step is corrected as if it were the first",
          "store the incremented step count: config['t'] += 1",
          fix(ADAM, ('    config["t"] += 1\n    t = config["t"]\n', '    t = config["t"] + 1\n'))),
    wrong("adam_no_sqrt", "adam", "divides by v_hat instead of its square root",
          "divide by np.sqrt(v_hat) + epsilon", fix(ADAM, ("np.sqrt(v_hat)", "v_hat"))),
    wrong("adam_v_not_squared", "adam", "averages dw instead of dw**2 in the second moment",
          "v = beta2 * v + (1 - beta2) * dw**2", fix(ADAM, ("(1 - beta2) * dw ** 2", "(1 - beta2) * dw"))),
    wrong("adam_epsilon_inside_sqrt", "adam", "adds epsilon inside the square root",
          "epsilon goes outside: m_hat / (np.sqrt(v_hat) + epsilon)",
          fix(ADAM, ('(np.sqrt(v_hat) + config["epsilon"])', 'np.sqrt(v_hat + config["epsilon"])'))),
    correct("adam_paper_step_size", "adam", "folds the corrections into the step size, as in Kingma and Ba's paper",
            fix(ADAM, ('    m_hat = config["m"] / (1 - beta1 ** t)\n    v_hat = config["v"] / (1 - beta2 ** t)\n'
                       '    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])\n',
                       '    alpha_t = config["learning_rate"] * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n'
                       '    eps_hat = config["epsilon"] * np.sqrt(1 - beta2 ** t)\n'
                       '    next_w = w - alpha_t * config["m"] / (np.sqrt(config["v"]) + eps_hat)\n'))),
    correct("adam_lerp_moments", "adam", "moves the moments towards dw and dw**2 and uses a local step count",
            fix(ADAM, ('    config["t"] += 1\n    t = config["t"]\n', '    t = config["t"] + 1\n    config["t"] = t\n'),
                ('beta1 * config["m"] + (1 - beta1) * dw', 'config["m"] + (1 - beta1) * (dw - config["m"])'),
                ('beta2 * config["v"] + (1 - beta2) * dw ** 2', 'config["v"] + (1 - beta2) * (dw * dw - config["v"])'))),
    correct("adam_in_place", "adam", "updates the moments and w in place, as CS231n's starter code allows",
            fix(ADAM, ('    config["m"] = beta1 * config["m"] + (1 - beta1) * dw\n    config["v"] = beta2 * config["v"] + (1 - beta2) * dw ** 2\n',
                       '    config["m"] = config["m"] * beta1\n    config["m"] += (1 - beta1) * dw\n'
                       '    config["v"] = config["v"] * beta2\n    config["v"] += (1 - beta2) * dw * dw\n'),
                ('    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])\n',
                 '    w -= config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])\n    next_w = w\n'))),
    # exponentially_weighted_average
    wrong("ewa_never_corrected", "exponentially_weighted_average", "never applies the bias correction",
          "when bias_correction is True, divide v_t by 1 - beta**t",
          fix(EWA, ("v / (1 - beta ** t) if bias_correction else v", "v"))),
    wrong("ewa_t_from_zero", "exponentially_weighted_average", "counts t from 0 in the correction (divides the first value by 1 - beta**0 = 0)",
          "t is 1 at the first value: divide by 1 - beta**t with t = 1, 2, ...",
          fix(EWA, ("v / (1 - beta ** t)", "v / (1 - beta ** (t - 1))"))),
    wrong("ewa_starts_at_first_value", "exponentially_weighted_average", "starts the average at the first value instead of at 0",
          "v_0 = 0; the bias correction is what fixes the early values",
          fix(EWA, ("    v = 0.0\n", "    v = values[0]\n"))),
    wrong("ewa_weights_swapped", "exponentially_weighted_average", "gives the new value the weight beta and the past 1 - beta",
          "v_t = beta * v_(t-1) + (1 - beta) * x_t: beta is the weight of the past",
          fix(EWA, ("beta * v + (1 - beta) * x", "(1 - beta) * v + beta * x"))),
    wrong("ewa_always_corrected", "exponentially_weighted_average", "applies the bias correction even when bias_correction is False",
          "return the plain v_t when bias_correction is False",
          fix(EWA, ("v / (1 - beta ** t) if bias_correction else v", "v / (1 - beta ** t)"))),
    correct("ewa_weights_matrix", "exponentially_weighted_average", "the unrolled sum with a matrix of weights", '''
def exponentially_weighted_average(values, beta, bias_correction=True):
    values = np.asarray(values, dtype=np.float64)
    T = values.shape[0]
    t = np.arange(1, T + 1)
    powers = np.tril(float(beta) ** np.maximum(t[:, None] - t[None, :], 0))
    v = (1 - beta) * powers @ values
    return v / (1 - float(beta) ** t) if bias_correction else v
'''),
    correct("ewa_list", "exponentially_weighted_average", "builds a list and corrects at the end", '''
def exponentially_weighted_average(values, beta, bias_correction=True):
    out, v = [], 0.0
    for x in values:
        v = beta * v + (1 - beta) * x
        out.append(v)
    out = np.array(out)
    if bias_correction:
        out = out / (1 - beta ** np.arange(1, len(out) + 1))
    return out
'''),
    # step_decay
    wrong("step_decay_every_epoch", "step_decay", "decays every epoch instead of every step_size epochs",
          "the exponent is floor(epoch / step_size)", fix(STEP_DECAY, ("np.floor(np.asarray(epoch) / step_size)", "np.asarray(epoch)"))),
    wrong("step_decay_no_floor", "step_decay", "decays smoothly (no floor): factor ** (epoch / step_size)",
          "round the exponent down: np.floor(epoch / step_size)",
          fix(STEP_DECAY, ("np.floor(np.asarray(epoch) / step_size)", "(np.asarray(epoch) / step_size)"))),
    wrong("step_decay_ceil", "step_decay", "rounds the exponent up, so the first drop comes at epoch 1",
          "round down: the rate stays at learning_rate for the first step_size epochs",
          fix(STEP_DECAY, ("np.floor(", "np.ceil("))),
    wrong("step_decay_times_steps", "step_decay", "multiplies by factor times the number of drops instead of raising factor to that power",
          "learning_rate * factor ** floor(epoch / step_size)",
          fix(STEP_DECAY, ("factor ** np.floor(np.asarray(epoch) / step_size)", "factor * np.floor(np.asarray(epoch) / step_size)"))),
    correct("step_decay_floor_divide", "step_decay", "np.power with floor division",
            fix(STEP_DECAY, ("learning_rate * factor ** np.floor(np.asarray(epoch) / step_size)",
                             "learning_rate * np.power(factor, np.asarray(epoch) // step_size)"))),
    correct("step_decay_halvings", "step_decay", "counts the drops first, as a float array",
            fix(STEP_DECAY, ("    return learning_rate * factor ** np.floor(np.asarray(epoch) / step_size)\n",
                             "    drops = np.floor_divide(np.asarray(epoch, dtype=float), step_size)\n"
                             "    return learning_rate * np.exp(drops * np.log(factor))\n"))),
    # exponential_decay
    wrong("exponential_decay_growth", "exponential_decay", "grows the learning rate: exp(+k * epoch)",
          "learning_rate * exp(-k * epoch)", fix(EXPONENTIAL_DECAY, ("np.exp(-k * ", "np.exp(k * "))),
    wrong("exponential_decay_time_constant", "exponential_decay", "divides the epoch by k: exp(-epoch / k)",
          "k is a rate: exp(-k * epoch)", fix(EXPONENTIAL_DECAY, ("np.exp(-k * np.asarray(epoch))", "np.exp(-np.asarray(epoch) / k)"))),
    wrong("exponential_decay_power_of_k", "exponential_decay", "computes learning_rate * k ** epoch",
          "use the exponential: learning_rate * np.exp(-k * epoch)",
          fix(EXPONENTIAL_DECAY, ("np.exp(-k * np.asarray(epoch))", "k ** np.asarray(epoch)"))),
    correct("exponential_decay_divide", "exponential_decay", "divides by exp(k * epoch)",
            fix(EXPONENTIAL_DECAY, ("learning_rate * np.exp(-k * np.asarray(epoch))", "learning_rate / np.exp(k * np.asarray(epoch))"))),
    correct("exponential_decay_log", "exponential_decay", "exp of log(learning_rate) - k * epoch",
            fix(EXPONENTIAL_DECAY, ("learning_rate * np.exp(-k * np.asarray(epoch))", "np.exp(np.log(learning_rate) - k * np.asarray(epoch))"))),
    # inverse_time_decay
    wrong("inverse_time_no_one", "inverse_time_decay", "divides by k * epoch (infinite at epoch 0)",
          "learning_rate / (1 + k * epoch)", fix(INVERSE_TIME_DECAY, ("(1 + k * np.asarray(epoch))", "(k * np.asarray(epoch))"))),
    wrong("inverse_time_ignores_k", "inverse_time_decay", "ignores k: learning_rate / (1 + epoch)",
          "learning_rate / (1 + k * epoch)", fix(INVERSE_TIME_DECAY, ("(1 + k * np.asarray(epoch))", "(1 + np.asarray(epoch))"))),
    wrong("inverse_time_power", "inverse_time_decay", "computes learning_rate / (1 + k) ** epoch (an exponential decay)",
          "the 1/t schedule divides by 1 + k * epoch",
          fix(INVERSE_TIME_DECAY, ("(1 + k * np.asarray(epoch))", "(1 + k) ** np.asarray(epoch)"))),
    correct("inverse_time_reciprocal", "inverse_time_decay", "multiplies by the reciprocal",
            fix(INVERSE_TIME_DECAY, ("learning_rate / (1 + k * np.asarray(epoch))", "learning_rate * np.reciprocal(1.0 + k * np.asarray(epoch, dtype=float))"))),
    correct("inverse_time_power_minus_one", "inverse_time_decay", "(1 + k * epoch) ** -1.0",
            fix(INVERSE_TIME_DECAY, ("learning_rate / (1 + k * np.asarray(epoch))", "learning_rate * (1 + k * np.asarray(epoch)) ** -1.0"))),
    # newton_step
    wrong("newton_ascent", "newton_step", "adds the Newton step instead of subtracting it",
          "next_w = w - H^{-1} grad", fix(NEWTON_STEP, ("w - np.linalg.solve", "w + np.linalg.solve"))),
    wrong("newton_multiplies_by_hessian", "newton_step", "multiplies the gradient by the Hessian instead of solving with it",
          "solve H @ step = grad with np.linalg.solve(hessian, grad)",
          fix(NEWTON_STEP, ("np.linalg.solve(hessian, grad)", "hessian @ grad"))),
    wrong("newton_diagonal_only", "newton_step", "divides by the diagonal of the Hessian only",
          "use the whole Hessian: np.linalg.solve(hessian, grad)",
          fix(NEWTON_STEP, ("np.linalg.solve(hessian, grad)", "grad / np.diag(hessian)"))),
    wrong("newton_gradient_step", "newton_step", "takes a plain gradient step, ignoring the Hessian",
          "the Newton step is H^{-1} grad", fix(NEWTON_STEP, ("np.linalg.solve(hessian, grad)", "grad"))),
    correct("newton_inverse", "newton_step", "forms the inverse (slower, same result here)",
            fix(NEWTON_STEP, ("np.linalg.solve(hessian, grad)", "np.linalg.inv(hessian) @ grad"))),
    correct("newton_lstsq", "newton_step", "least squares", fix(NEWTON_STEP, ("np.linalg.solve(hessian, grad)", "np.linalg.lstsq(hessian, grad, rcond=None)[0]"))),
]
