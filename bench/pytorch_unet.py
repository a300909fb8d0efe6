#!/usr/bin/env python3
"""Times one training step and one forward pass of promptseg's plain UNet in PyTorch (CPU).

The network mirrors org.promptseg.model.UNetGraphBuilder without prompt modules: per level
(conv 3x3x3 without bias -> instance norm with affine -> LeakyReLU(0.01)) x k, max-pool 2; the bottleneck
likewise; per level up a 2x2x2 stride-2 transposed conv without bias, skip added, (conv -> norm -> act) x k;
a 1x1x1 head with bias. Loss: soft Dice (batch-wise, foreground classes) + cross-entropy, Adam.

Prints one JSON object on stdout; the Java benchmark (ModelBenchmark) parses it.
"""
import argparse
import json
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--patch", type=int, default=64)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--channels", default="16,32,64,128")
    p.add_argument("--convs", type=int, default=2)
    p.add_argument("--classes", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    import torch
    from torch import nn
    import torch.nn.functional as F

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    channels = [int(c) for c in a.channels.split(",")]

    def block(cin, cout):
        layers = []
        for k in range(a.convs):
            layers += [nn.Conv3d(cin if k == 0 else cout, cout, 3, padding=1, bias=False),
                       nn.InstanceNorm3d(cout, affine=True, eps=1e-5), nn.LeakyReLU(0.01)]
        return nn.Sequential(*layers)

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.ModuleList()
            cin = 1
            for c in channels[:-1]:
                self.enc.append(block(cin, c))
                cin = c
            self.mid = block(channels[-2], channels[-1])
            self.up = nn.ModuleList()
            self.dec = nn.ModuleList()
            for level in range(len(channels) - 2, -1, -1):
                self.up.append(nn.ConvTranspose3d(channels[level + 1], channels[level], 2, stride=2, bias=False))
                self.dec.append(block(channels[level], channels[level]))
            self.head = nn.Conv3d(channels[0], a.classes, 1)

        def forward(self, x):
            skips = []
            for e in self.enc:
                x = e(x)
                skips.append(x)
                x = F.max_pool3d(x, 2)
            x = self.mid(x)
            for up, dec in zip(self.up, self.dec):
                x = dec(up(x) + skips.pop())
            return self.head(x)

    def loss_fn(logits, target_idx):
        ce = F.cross_entropy(logits, target_idx)
        p = logits.softmax(1)
        t = F.one_hot(target_idx, a.classes).permute(0, 4, 1, 2, 3).float()
        dims = (0, 2, 3, 4)
        inter = (p * t).sum(dims)
        denom = p.sum(dims) + t.sum(dims)
        dice = (2 * inter + 1e-5) / (denom + 1e-5)
        return ce + 1 - dice[1:].mean()

    net = UNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    n = a.patch
    x = torch.randn(a.batch, 1, n, n, n)
    y = torch.randint(0, a.classes, (a.batch, n, n, n))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    def timed(fn, reps, warmup):
        # wall time and process CPU time (all threads): the CPU time is what stays comparable when other
        # processes share the cores
        for _ in range(warmup):
            fn()
        wall, cpu = [], []
        for _ in range(reps):
            t, c = time.perf_counter(), time.process_time()
            fn()
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        return statistics.median(wall), statistics.median(cpu)

    train_ms, train_cpu_ms = timed(step, a.reps, a.warmup)
    net.eval()
    with torch.no_grad():
        forward_ms, forward_cpu_ms = timed(lambda: net(x), a.reps, a.warmup)
    print(json.dumps({
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": sum(q.numel() for q in net.parameters()),
        "train_step_ms": train_ms,
        "forward_ms": forward_ms,
        "train_step_cpu_ms": train_cpu_ms,
        "forward_cpu_ms": forward_cpu_ms,
        "patch": n, "batch": a.batch,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
