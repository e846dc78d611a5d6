#!/usr/bin/python3
"""PyTorch baseline for bench/forward_bench.cc: a BERT-base-shaped token classifier
(embeddings + LayerNorm, nn.TransformerEncoder with 12 post-norm GELU layers, hidden 768,
12 heads, intermediate 3072, a 9-label linear head) in eval mode under torch.no_grad(), so
that nn.TransformerEncoderLayer takes its fused fast path (aten::_transformer_encoder_layer_fwd).

Run with Debian's python3-torch (the same LibTorch 1.13 and BLAS as bioner), not a pyenv python:
    /usr/bin/python3 bench/pytorch_forward.py --threads 2 --runs 5
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_forward.py --threads 1   # per core
Prints one line per shape: median tokens/s (wall clock) and tokens per CPU-second of the
process over --runs timed runs (after one warm-up).
"""
import argparse
import os
import statistics
import time

import torch
from torch import nn


class Model(nn.Module):
    def __init__(self, vocab=28996, hidden=768, layers=12, heads=12, inter=3072, max_pos=512, labels=9):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(max_pos, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        layer = nn.TransformerEncoderLayer(hidden, heads, inter, dropout=0.1, activation="gelu",
                                           layer_norm_eps=1e-12, batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(hidden, labels)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1])
        x = self.word(ids) + self.pos(positions)[None] + self.token_type(torch.zeros_like(ids))
        return self.classifier(self.encoder(self.norm(x)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads")
    p.add_argument("--runs", type=int, default=3, help="timed runs per shape (median reported)")
    p.add_argument("--shapes", default="32x128,8x512", help="comma-separated BATCHxLENGTH")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Model().eval()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for shape in args.shapes.split(","):
        b, l = (int(v) for v in shape.split("x"))
        ids = torch.randint(5, 28996, (b, l))
        with torch.no_grad():
            with torch.autograd.profiler.profile() as prof:  # warm-up; also shows the fast path is taken
                model(ids)
            fast = any(e.name == "aten::_transformer_encoder_layer_fwd" for e in prof.function_events)
            rates, cpu_rates = [], []
            for _ in range(args.runs):
                t0, c0 = time.perf_counter(), time.process_time()
                model(ids)
                rates.append(b * l / (time.perf_counter() - t0))
                cpu_rates.append(b * l / (time.process_time() - c0))
        print(f"pytorch_forward {b}x{l}: median {statistics.median(rates):.1f} tokens/s, "
              f"{statistics.median(cpu_rates):.1f} tokens/CPU-s "
              f"(runs: {', '.join(f'{r:.1f}' for r in rates)}; fused fast path: {fast})")


if __name__ == "__main__":
    main()
