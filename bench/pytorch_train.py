#!/usr/bin/python3
"""Plain-PyTorch baseline for bench/train_bench.cc: the same BERT token classifier (post-norm
layers, exact GELU, hidden/layers/heads/intermediate of the shape), the same random batch, AdamW
with the same two parameter groups (no decay on biases and LayerNorm weights), token
cross-entropy, backward, clip_grad_norm_(1.0), step — a plain training loop, no compilation.

Run with Debian's python3-torch (the same LibTorch 1.13 and OpenBLAS as bioner):
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_train.py --shape default --threads 1
Prints one JSON line: median tokens/s over --rounds, tokens per CPU-second, peak RSS.
"""
import argparse
import json
import resource
import statistics
import time

import torch
from torch import nn

SHAPES = {
    "default": dict(vocab=12000, hidden=128, layers=4, heads=2, inter=512, max_pos=128),
    "base": dict(vocab=28996, hidden=768, layers=12, heads=12, inter=3072, max_pos=512),
}


class Model(nn.Module):
    def __init__(self, vocab, hidden, layers, heads, inter, max_pos, labels=3):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(max_pos, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(hidden, heads, inter, dropout=0.1, activation="gelu",
                                           layer_norm_eps=1e-12, batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(hidden, labels)

    def forward(self, ids, pad_mask):
        positions = torch.arange(ids.shape[1])
        x = self.word(ids) + self.pos(positions)[None] + self.token_type(torch.zeros_like(ids))
        x = self.drop(self.norm(x))
        return self.classifier(self.drop(self.encoder(x, src_key_padding_mask=pad_mask)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shape", choices=SHAPES, default="default")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--length", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    s = SHAPES[a.shape]
    model = Model(**s).train()
    decay = [p for n, p in model.named_parameters() if not (n.endswith(".bias") or "norm" in n)]
    no_decay = [p for n, p in model.named_parameters() if n.endswith(".bias") or "norm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=5e-5, betas=(0.9, 0.999), eps=1e-8)
    ids = torch.randint(5, s["vocab"], (a.batch, a.length))
    pad_mask = torch.zeros(a.batch, a.length, dtype=torch.bool)  # no padding, as the C++ side
    labels = torch.randint(0, 3, (a.batch, a.length))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        logits = model(ids, pad_mask)
        loss_fn(logits.reshape(-1, 3), labels.reshape(-1)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()

    step()  # warm-up
    rates, cpu_rates = [], []
    tokens = a.batch * a.length * a.steps
    for _ in range(a.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(a.steps):
            step()
        rates.append(tokens / (time.perf_counter() - t0))
        cpu_rates.append(tokens / (time.process_time() - c0))
    print(json.dumps({"impl": "pytorch", "shape": a.shape, "batch": a.batch, "length": a.length,
                      "threads": a.threads, "tokens_per_s": round(statistics.median(rates), 1),
                      "tokens_per_cpu_s": round(statistics.median(cpu_rates), 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    main()
