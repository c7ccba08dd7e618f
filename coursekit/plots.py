"""Plots the notebooks share: loss curves, search results, class templates.

Each function draws one figure and returns it without calling plt.show(), so it
works headless (the Agg backend in grading) as well as inline in Jupyter,
where a figure created in a cell is shown at the end of that cell.
"""
import math

import matplotlib.pyplot as plt
import numpy as np


def plot_loss_curve(loss_history, title="Training loss", ax=None, label=None, log_scale=False):
    """Loss per iteration. Pass `ax` to draw several curves on one axis;
    `log_scale=True` uses a logarithmic loss axis (shows both a fast start and a slow end)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    ax.plot(np.arange(len(loss_history)), np.asarray(loss_history, dtype=np.float64), label=label, lw=1)
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss (log scale)" if log_scale else "loss")
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title)
    if label is not None:
        ax.legend()
    fig.tight_layout()
    return fig


def plot_search_results(results, title=""):
    """Scatter of a hyperparameter search over (log10 lr, log10 reg).

    results: dict {(learning_rate, reg): (train_accuracy, val_accuracy)}.
    Two panels, training and validation accuracy; colour is the accuracy.
    """
    if not results:
        raise ValueError("results is empty: run the search first.")
    keys = list(results)
    log_lr = np.log10([lr for lr, _ in keys])
    log_reg = np.log10([reg for _, reg in keys])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, column, name in zip(axes, (0, 1), ("training", "validation")):
        acc = np.array([results[k][column] for k in keys])
        points = ax.scatter(log_lr, log_reg, c=acc, s=120, cmap="viridis", edgecolors="k")
        fig.colorbar(points, ax=ax, label=f"{name} accuracy")
        ax.set_xlabel("log10 learning rate")
        ax.set_ylabel("log10 regularization strength")
        ax.set_title(f"{title} {name} accuracy".strip())
    fig.tight_layout()
    return fig


def plot_class_templates(W, class_names, title=""):
    """Show each class's weights as a 32x32 colour image.

    W: (3073, C) with the bias row last (the bias trick), or (3072, C).
    Each class column is reshaped to 32x32x3 (rows of X are flattened images in
    row, column, colour-channel order, as coursekit.data makes them) and
    rescaled to 0..255 over all classes together for display.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.shape[0] == 3073:
        W = W[:-1]
    if W.shape[0] != 3072:
        raise ValueError(f"W should have 3073 (or 3072) rows, one per pixel value (+ bias); it has {W.shape[0]}.")
    num_classes = W.shape[1]
    templates = W.T.reshape(num_classes, 32, 32, 3)
    low, high = templates.min(), templates.max()
    images = 255.0 * (templates - low) / (high - low if high > low else 1.0)
    cols = min(num_classes, 5)
    rows = math.ceil(num_classes / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 2.7 * rows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < num_classes:
            ax.imshow(images[i].astype(np.uint8))
            ax.set_title(class_names[i] if i < len(class_names) else str(i))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
