#!/usr/bin/python3
"""Per-class gradient goldens for ImbLab's ClassGradientProbe, computed by PyTorch autograd (float64 on float32 inputs).

For a fixed network and dataset it writes the parameters, inputs, labels, logits, and for every class c the mean
cross-entropy over c's rows and its gradient with respect to every parameter (flat order W0, b0, W1, b1, ...).
Class 2 has a single sample. Run: /usr/bin/python3 tools/reference/engine_class_goldens.py
Output: tests/ImbLab.Tests/Fixtures/Engine/class_gradients_<name>.json
"""
import json
import os

import torch

# The network and the flattening are the same as for the engine goldens.
from engine_goldens import build, flat, linears

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "ImbLab.Tests", "Fixtures", "Engine")

CASES = [
    # name, sizes, activation, class counts, seed
    ("relu_6_10_8_3", [6, 10, 8, 3], "relu", [9, 4, 1], 21),
    ("tanh_4_7_3", [4, 7, 3], "tanh", [6, 5, 1], 22),
]


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for name, sizes, activation, counts, seed in CASES:
        torch.manual_seed(seed)
        model = build(sizes, activation)
        with torch.no_grad():
            for m in linears(model):
                m.bias.uniform_(-0.3, 0.3)
        rows = sum(counts)
        # Interleave the classes so the probe's grouping by class is exercised.
        y = torch.tensor([c for c, n in enumerate(counts) for _ in range(n)])[torch.randperm(rows)]
        x = torch.randn(rows, sizes[0])
        # The engine gets the float32 parameters and inputs; torch computes in float64 from exactly those values.
        params32 = [{"weight": flat(m.weight), "bias": flat(m.bias)} for m in linears(model)]
        model64 = model.double()
        x64 = x.double()
        logits = model64(x64)
        per_class = []
        for c in range(len(counts)):
            model64.zero_grad()
            mask = y == c
            loss = torch.nn.functional.cross_entropy(model64(x64[mask]), y[mask])
            loss.backward()
            grad = []
            for m in linears(model64):
                grad += flat(m.weight.grad) + flat(m.bias.grad)
            per_class.append({"class": c, "count": int(mask.sum()), "mean_loss": float(loss), "gradient": grad})
        case = {
            "name": name, "sizes": sizes, "activation": activation, "rows": rows,
            "parameters": params32, "x": flat(x), "y": [int(v) for v in y.tolist()],
            "logits": flat(logits), "per_class": per_class,
        }
        with open(os.path.join(OUT, f"class_gradients_{name}.json"), "w") as f:
            json.dump(case, f, indent=1)
        print(f"wrote class_gradients_{name}.json (torch {torch.__version__})")


if __name__ == "__main__":
    main()
