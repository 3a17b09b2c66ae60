#!/usr/bin/python3
"""Workload W in idiomatic PyTorch (the peer the engine is compared against; see docs/architecture.md).

8 standard-normal features, a 1% minority shifted +0.5 in every feature, 3339 train + 835 test rows,
MLP 8-64-64-64-2 relu, batch 32 (DataLoader, shuffle=True, drop_last=False), Adam lr 1e-3, and at every epoch
end a no-grad forward pass over all train and test rows reduced to per-class recall. One thread.
Usage: /usr/bin/python3 tools/reference/torch_w.py [--epochs 50]
Prints one line: W engine=torch ... ms_per_epoch_per_model=...
"""
import argparse
import time

import torch

TRAIN_ROWS, TEST_ROWS, FEATURES = 3339, 835, 8


def make(rows, gen):
    y = torch.zeros(rows, dtype=torch.long)
    y[: round(rows * 0.01)] = 1
    y = y[torch.randperm(rows, generator=gen)]
    x = torch.randn(rows, FEATURES, generator=gen) + 0.5 * y.unsqueeze(1).float()
    return x, y


def per_class_recall(logits, y):
    pred = logits.argmax(1)
    return [((pred == c) & (y == c)).sum().item() / max(1, (y == c).sum().item()) for c in range(2)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args()
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(20240601)
    x_train, y_train = make(TRAIN_ROWS, gen)
    x_test, y_test = make(TEST_ROWS, gen)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(8, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=32, shuffle=True)

    def epoch():
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            per_class_recall(model(x_train), y_train)
            return per_class_recall(model(x_test), y_test)

    epoch()  # warm-up, not timed
    cpu0, wall0 = time.process_time(), time.perf_counter()
    recall = None
    for _ in range(args.epochs):
        recall = epoch()
    wall = (time.perf_counter() - wall0) * 1000 / args.epochs
    cpu = (time.process_time() - cpu0) * 1000 / args.epochs
    print(f"W engine=torch-{torch.__version__} models=1 threads=1 epochs={args.epochs} total_s={wall * args.epochs / 1000:.3f} "
          f"ms_per_epoch_per_model={wall:.3f} cpu_ms_per_epoch_per_model={cpu:.3f} minority_test_recall={recall[1]:.3f}")


if __name__ == "__main__":
    main()
