#!/usr/bin/python3
"""Reference PCNGD steps (Francazi et al. 2023) for the engine, computed by PyTorch autograd in float64.

On a fixed MLP and batch (weights and inputs drawn in float32, so the float32 engine holds exactly the same numbers),
for every class c present in the batch g_c = d/dtheta of the mean cross-entropy over the batch rows of class c, over
every parameter; the direction is sum_c g_c / ||g_c|| (L2 norm over all parameters together). A class with no row in
the batch contributes nothing (class 3 of the 4 here). Written: the direction, the per-class gradient norms, and the
parameters after 3 Adam steps and after 3 SGD-momentum steps, each step handing the optimizer the direction at the
current parameters in place of the gradient (p.grad = direction; torch.optim then steps as usual).
Run: /usr/bin/python3 tools/reference/pcngd_goldens.py  ->  tests/ImbLab.Tests/Fixtures/Engine/pcngd_<name>.json
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "ImbLab.Tests", "Fixtures", "Engine")

CASES = [
    # name, sizes, activation, labels of the batch (class 3 absent), seed
    ("tanh_5_7_6_4", [5, 7, 6, 4], "tanh", [0, 1, 0, 2, 0, 0, 1, 0, 2], 21),
    ("relu_6_8_3", [6, 8, 3], "relu", [0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0], 22),
]

OPTIMIZERS = [
    ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
     dict(kind="Adam", lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, momentum=0.0, weight_decay=0.01)),
    ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.0),
     dict(kind="Sgd", lr=0.05, beta1=0.0, beta2=0.0, eps=0.0, momentum=0.9, weight_decay=0.0)),
]


def build(sizes, activation):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def linears(model):
    return [m for m in model if isinstance(m, torch.nn.Linear)]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def params_of(model):
    return [{"weight": flat(m.weight), "bias": flat(m.bias)} for m in linears(model)]


def direction(model, x, y):
    """sum over the classes present of the unit per-class gradient, and the per-class norms (None for an absent class)."""
    params = list(model.parameters())
    total = [torch.zeros_like(p) for p in params]
    norms = []
    for c in range(linears(model)[-1].out_features):
        rows = y == c
        if not bool(rows.any()):
            norms.append(None)  # JSON null: no rows, no norm
            continue
        loss = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
        grads = torch.autograd.grad(loss, params)
        norm = torch.sqrt(sum((g * g).sum() for g in grads))
        norms.append(float(norm))
        for t, g in zip(total, grads):
            t += g / norm
    return total, norms


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for name, sizes, activation, labels, seed in CASES:
        torch.manual_seed(seed)
        model = build(sizes, activation)
        with torch.no_grad():
            for m in linears(model):
                m.bias.uniform_(-0.3, 0.3)
        initial = params_of(model)  # float32 values, exactly representable in the engine
        x32 = torch.randn(len(labels), sizes[0])
        model = model.double()
        x = x32.double()
        y = torch.tensor(labels)
        d, norms = direction(model, x, y)
        case = {
            "name": name, "sizes": sizes, "activation": activation, "rows": len(labels), "parameters": initial,
            "x": flat(x32), "y": labels, "class_norms": norms,
            "direction": [{"weight": flat(d[2 * i]), "bias": flat(d[2 * i + 1])} for i in range(len(d) // 2)],
            "optimizers": [],
        }
        for opt_name, make, settings in OPTIMIZERS:
            clone = build(sizes, activation).double()
            with torch.no_grad():
                for m, p in zip(linears(clone), initial):
                    m.weight.copy_(torch.tensor(p["weight"], dtype=torch.float64).reshape(m.weight.shape))
                    m.bias.copy_(torch.tensor(p["bias"], dtype=torch.float64))
            opt = make(clone.parameters())
            for _ in range(3):
                opt.zero_grad()
                step_direction, _ = direction(clone, x, y)
                for p, g in zip(clone.parameters(), step_direction):
                    p.grad = g
                opt.step()
            case["optimizers"].append({"name": opt_name, "settings": settings, "steps": 3, "parameters": params_of(clone)})
        with open(os.path.join(OUT, f"pcngd_{name}.json"), "w") as f:
            json.dump(case, f, indent=1)
        print(f"wrote pcngd_{name}.json (torch {torch.__version__})")


if __name__ == "__main__":
    main()
