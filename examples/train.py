#!/usr/bin/env python3
"""A stand-in training script for the vhtask examples (Python 3 standard library only).

It "trains" for 10 epochs of about 0.12 s each, printing a progress line and a Valohai-style
metadata line (one JSON object per line, flushed) per epoch, e.g.

    epoch 3/10: loss 0.4123
    {"epoch": 3, "loss": 0.4123, "accuracy": 0.7938}

The loss is a smooth function of the parameters, so sorting executions by loss is meaningful:
it is lowest near learning_rate = 0.01 and dropout = 0.65, and more max_steps lowers it a little.

Failing corner (on purpose, so a grid has failures to rerun): with learning_rate >= 0.1 AND
dropout >= 0.9 training diverges. The script prints a few epochs of rising loss, then writes
"diverged: loss is nan" to stderr and exits with code 1. examples/grid.yaml contains one such point
(learning_rate 0.1, dropout 0.9).

Parameters come from the command line (--max_steps, --learning_rate, --dropout). Any parameter not
given there is read from $VH_CONFIG_DIR/parameters.json when that file exists, as Valohai's helper
library does; otherwise the defaults of examples/valohai.yaml apply. When $VH_OUTPUTS_DIR is set,
a small model.json is written there. TRAIN_EPOCH_SECONDS overrides the time per epoch.
"""

import argparse
import json
import math
import os
import sys
import time

EPOCHS = 10
DEFAULTS = {"max_steps": 300, "learning_rate": 0.001, "dropout": 0.9}


def positive_number(text):
    # Accepts "300" and "300.0" alike: vhtask renders a float parameter given 300 as 300.0.
    value = float(text)
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def fraction(text):
    value = float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not in [0, 1)")
    return value


def parse_params(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max_steps", type=positive_number)
    parser.add_argument("--learning_rate", type=positive_number)
    parser.add_argument("--dropout", type=fraction)
    args = parser.parse_args(argv)

    from_file = {}
    config_dir = os.environ.get("VH_CONFIG_DIR")
    if config_dir:
        path = os.path.join(config_dir, "parameters.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                from_file = json.load(f)

    checks = {"max_steps": positive_number, "learning_rate": positive_number, "dropout": fraction}
    params = {}
    for name, check in checks.items():
        value = getattr(args, name)
        if value is None and name in from_file:
            try:
                value = check(str(from_file[name]))
            except (ValueError, argparse.ArgumentTypeError) as e:
                parser.error(f"parameters.json: {name}: {e}")
        params[name] = DEFAULTS[name] if value is None else value
    params["max_steps"] = int(params["max_steps"])
    return params


def final_loss(p):
    """Smooth in every parameter; minimum near learning_rate 0.01, dropout 0.65."""
    lr_penalty = 0.12 * (math.log10(p["learning_rate"]) + 2.0) ** 2
    dropout_penalty = 0.8 * (p["dropout"] - 0.65) ** 2
    steps_penalty = 15.0 / (p["max_steps"] + 50.0)
    return 0.02 + lr_penalty + dropout_penalty + steps_penalty


def diverges(p):
    return p["learning_rate"] >= 0.1 and p["dropout"] >= 0.9


def emit(**metadata):
    print(json.dumps(metadata), flush=True)


def main(argv):
    p = parse_params(argv)
    epoch_seconds = float(os.environ.get("TRAIN_EPOCH_SECONDS", "0.12"))
    print(
        f"training: max_steps={p['max_steps']} learning_rate={p['learning_rate']} "
        f"dropout={p['dropout']}",
        flush=True,
    )

    start_loss = 2.3
    target = final_loss(p)
    # Faster convergence with a larger learning rate (capped), so curves differ per point.
    rate = min(1.2, 0.25 * math.sqrt(p["learning_rate"] / 0.001))
    loss = start_loss
    for epoch in range(1, EPOCHS + 1):
        time.sleep(epoch_seconds)
        if diverges(p):
            loss = loss * 1.9
            if epoch == 4:
                print(f"epoch {epoch}/{EPOCHS}: loss nan", flush=True)
                print(
                    "diverged: loss is nan "
                    f"(learning_rate={p['learning_rate']} >= 0.1 with dropout={p['dropout']} >= 0.9)",
                    file=sys.stderr,
                    flush=True,
                )
                return 1
        else:
            loss = target + (start_loss - target) * math.exp(-rate * epoch)
        accuracy = max(0.0, min(1.0, 1.0 - loss / 2.0))
        print(f"epoch {epoch}/{EPOCHS}: loss {loss:.4f}", flush=True)
        emit(epoch=epoch, loss=round(loss, 4), accuracy=round(accuracy, 4))

    outputs_dir = os.environ.get("VH_OUTPUTS_DIR")
    if outputs_dir:
        os.makedirs(outputs_dir, exist_ok=True)
        with open(os.path.join(outputs_dir, "model.json"), "w", encoding="utf-8") as f:
            json.dump({"parameters": p, "loss": round(loss, 4)}, f, indent=2)
            f.write("\n")
        print(f"wrote {os.path.join(outputs_dir, 'model.json')}", flush=True)
    print("training: done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
