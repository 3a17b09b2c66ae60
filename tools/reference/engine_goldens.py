#!/usr/bin/python3
"""Golden values for the ImbLab engine, computed by PyTorch (float32, CPU).

For each fixed tiny network and batch it writes the weights, inputs, labels, logits, mean cross-entropy loss,
every gradient, and the parameters after 5 optimizer steps on the same batch (Adam, Adam with weight decay,
SGD with momentum and weight decay). Run: /usr/bin/python3 tools/reference/engine_goldens.py
Output: tests/ImbLab.Tests/Fixtures/Engine/golden_<name>.json
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "ImbLab.Tests", "Fixtures", "Engine")

CASES = [
    # name, sizes, activation, rows, seed
    ("relu_8_16_16_2", [8, 16, 16, 2], "relu", 6, 11),
    ("tanh_5_7_3", [5, 7, 3], "tanh", 6, 12),
]

OPTIMIZERS = [
    ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0),
     dict(kind="Adam", lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, momentum=0.0, weight_decay=0.0)),
    ("adam_wd", lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
     dict(kind="Adam", lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6, momentum=0.0, weight_decay=0.05)),
    ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
     dict(kind="Sgd", lr=0.1, beta1=0.0, beta2=0.0, eps=0.0, momentum=0.9, weight_decay=0.01)),
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


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for name, sizes, activation, rows, seed in CASES:
        torch.manual_seed(seed)
        model = build(sizes, activation)
        with torch.no_grad():
            for m in linears(model):
                m.bias.uniform_(-0.3, 0.3)  # non-zero biases so bias paths are exercised
        initial = params_of(model)
        x = torch.randn(rows, sizes[0])
        y = torch.randint(0, sizes[-1], (rows,))
        y[0], y[1] = 0, 1  # at least two classes present
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        grads = [{"weight": flat(m.weight.grad), "bias": flat(m.bias.grad)} for m in linears(model)]
        case = {
            "name": name, "sizes": sizes, "activation": activation, "rows": rows,
            "parameters": initial, "x": flat(x), "y": [int(v) for v in y.tolist()],
            "logits": flat(logits), "loss": float(loss), "gradients": grads, "optimizers": [],
        }
        for opt_name, make, settings in OPTIMIZERS:
            clone = build(sizes, activation)
            with torch.no_grad():
                for m, p in zip(linears(clone), initial):
                    m.weight.copy_(torch.tensor(p["weight"]).reshape(m.weight.shape))
                    m.bias.copy_(torch.tensor(p["bias"]))
            opt = make(clone.parameters())
            losses = []
            for _ in range(5):
                opt.zero_grad()
                l = torch.nn.functional.cross_entropy(clone(x), y)
                losses.append(float(l))
                l.backward()
                opt.step()
            case["optimizers"].append({"name": opt_name, "settings": settings, "steps": 5, "losses": losses,
                                       "parameters": params_of(clone)})
        with open(os.path.join(OUT, f"golden_{name}.json"), "w") as f:
            json.dump(case, f, indent=1)
        print(f"wrote golden_{name}.json (torch {torch.__version__})")


if __name__ == "__main__":
    main()
