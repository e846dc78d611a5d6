#!/usr/bin/python3
"""Writes the model card models/<Type>/README.md of an embedded default model from the files
the trainer and scripts/train-default-models.sh left: the version's metrics.json,
train_log.jsonl, config.json and model.safetensors header, the encoder's pretrain reports and
the run's logs. Every number in the card is read from those files; nothing is typed in.

    /usr/bin/python3 scripts/model-card.py --type Disease [--build build]
"""
import argparse
import json
import os
import re
import struct
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (seed poster's BioBERT, HunFlair) test F1: the anchors of core/eval/report.cc (PublishedAnchors),
# which `bioner-trainer report` prints; none are published per type for Gene and Chemical.
ANCHORS = {"Disease": (0.828, 0.865), "Species": (0.799, 0.870), "CellLine": (0.697, 0.806)}


def safetensors_params(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    total, dtypes = 0, set()
    for name, t in header.items():
        if name == "__metadata__":
            continue
        count = 1
        for d in t["shape"]:
            count *= d
        total += count
        dtypes.add(t["dtype"])
    return total, sorted(dtypes)


def fmt(x):
    return "—" if x is None else f"{x:.3f}"


def split_table(split):
    rows = ["| corpus | documents | precision | recall | F1 | lenient F1 | loss |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, m in sorted(split["per_corpus"].items()):
        rows.append(f"| {name} | {m.get('documents', '')} | {fmt(m['precision'])} | {fmt(m['recall'])} | "
                    f"{fmt(m['f1'])} | {fmt(m['lenient_f1'])} | {fmt(m['loss'])} |")
    m = split["micro"]
    rows.append(f"| **micro over the type** | {split.get('documents', '')} | **{fmt(m['precision'])}** | "
                f"**{fmt(m['recall'])}** | **{fmt(m['f1'])}** | {fmt(m['lenient_f1'])} | {fmt(m['loss'])} |")
    macro = split["macro_over_corpora"]
    rows.append(f"| macro over corpora | | {fmt(macro['precision'])} | {fmt(macro['recall'])} | {fmt(macro['f1'])} | | |")
    return "\n".join(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--type", required=True)
    p.add_argument("--build", default="build")
    a = p.parse_args()
    t = a.type
    type_dir = os.path.join(ROOT, "models", t)
    version = open(os.path.join(type_dir, "current")).read().strip()
    vdir = os.path.join(type_dir, version)
    metrics = json.load(open(os.path.join(vdir, "metrics.json")))
    config = json.load(open(os.path.join(vdir, "config.json")))
    log = [json.loads(l) for l in open(os.path.join(vdir, "train_log.jsonl")) if l.strip()]
    params, dtypes = safetensors_params(os.path.join(vdir, "model.safetensors"))
    size_mb = os.path.getsize(os.path.join(vdir, "model.safetensors")) / 1e6
    build = os.path.join(ROOT, a.build, "default-models")
    stages = []
    for name in ("encoder-stage1", "encoder"):
        rp = os.path.join(build, name, "pretrain_report.json")
        if os.path.exists(rp):
            stages.append((name, json.load(open(rp))))
    timing = ""
    tl = os.path.join(build, "logs", f"train-{t}.log")
    if os.path.exists(tl):
        m = [l for l in open(tl) if l.startswith(f"{t}: ") and "wall" in l]
        timing = m[-1].strip() if m else ""
    cfg = metrics["config"]
    lc = t.lower()
    seed_f1, hunflair_f1 = ANCHORS.get(t, (None, None))
    test_f1 = metrics["test"]["micro"]["f1"] if metrics.get("test") else None
    train_seconds = sum(r["seconds"] for r in log)

    out = []
    out.append(f"# bioner default model: {t}\n")
    out.append(f"Tags **{t}** mentions (BIO labels {', '.join(config['id2label'][str(i)] for i in range(len(config['id2label'])))}). "
               f"Version {version} (`models/{t}/current`), made by `scripts/train-default-models.sh` on this project's "
               "2-core CPU machine; every figure below is read from the files in this folder and the run's logs by "
               "`scripts/model-card.py`.\n")
    out.append("## Architecture and size\n")
    out.append(f"BERT (post-LayerNorm, GELU): hidden {config['hidden_size']}, {config['num_hidden_layers']} layers, "
               f"{config['num_attention_heads']} heads, intermediate {config['intermediate_size']}, "
               f"{config['max_position_embeddings']} positions (windows of {cfg['max_seq_len']} tokens), cased WordPiece "
               f"vocabulary of {config['vocab_size']}; {params:,} parameters, stored as {'/'.join(dtypes)} "
               f"(`model.safetensors`, {size_mb:.1f} MB). BioBERT-base has 108M parameters: this model is about "
               f"{108e6 / params:.0f}× smaller, sized for two CPU cores and a 30 MB budget for all five models.\n")
    out.append("## The encoder (bioner's own, BioBERT's recipe at small scale)\n")
    out.append("No pretrained weights can be downloaded here, so the encoder was made from scratch: "
               "`bioner-trainer vocab` on `../shared/pretrain` (PubMed abstracts, PMC full texts) plus the texts of the "
               "HUNER training splits, then masked-language-model pretraining (`bioner-trainer pretrain`) in two runs, "
               "the second continuing from the first. Documents whose PMID/PMCID is in any dev/test split or in the "
               "held-out corpora (CRAFT, BioNLP-ST 2013 CG) were removed first.\n")
    if stages:
        out.append("| run | steps | tokens seen | tokens/s | held-out MLM loss | held-out MLM accuracy | documents kept | removed by id |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, r in stages:
            out.append(f"| {name} | {r['steps']} | {r['tokens_seen']:,} | {r['tokens_per_second']:.0f} | "
                       f"{r['eval_loss']:.3f} | {r['eval_accuracy']:.3f} | {r['documents_kept']:,} | {r['documents_removed_by_id']:,} |")
        out.append("")
    out.append("## Training data\n")
    out.append(f"The train splits (HUNER's official split files) of every available corpus with {t} entities: "
               f"{', '.join(metrics['corpora'])}. Model selection on dev F1 (strict), evaluation on test.\n")
    out.append("## Hyperparameters\n")
    keys = ["epochs", "batch_size", "gradient_accumulation", "learning_rate", "weight_decay", "warmup_ratio",
            "max_grad_norm", "dropout", "max_seq_len", "scheme", "seed", "num_threads", "weights_dtype"]
    out.append("| " + " | ".join(keys) + " |")
    out.append("|" + "---|" * len(keys))
    out.append("| " + " | ".join(str(cfg.get(k)) for k in keys) + " |\n")
    out.append(f"Selected epoch: {metrics['selected_epoch']} of {metrics['epochs']} (best dev F1).\n")
    out.append("## Results (entity-level, strict; lenient = HunFlair's rule)\n")
    out.append("Dev:\n")
    out.append(split_table(metrics["dev"]) + "\n")
    if metrics.get("test"):
        out.append("Test:\n")
        out.append(split_table(metrics["test"]) + "\n")
    out.append("Published anchors (not recomputed here): the seed poster's fine-tuned BioBERT "
               f"{fmt(seed_f1)}, HunFlair {fmt(hunflair_f1)} (average over its corpora). This model: test micro F1 "
               f"{fmt(test_f1)}. ")
    if seed_f1 is not None and test_f1 is not None:
        out.append(f"{'Above' if test_f1 >= seed_f1 else 'Below'} the seed's BioBERT by {abs(test_f1 - seed_f1):.3f}. ")
    out.append("The comparison is of kind, not identical: the seed and HunFlair trained on more corpora (11 of the 25 "
               "trainable HUNER corpora are missing here, see docs/CORPORA.md) with a 108M-parameter encoder "
               "pretrained on billions of words; this one saw a few million tokens of pretraining on two CPU cores.\n")
    out.append("## Learning curves\n")
    out.append("![learning curves](1/learning_curves.svg)\n".replace("1/", f"{version}/"))
    out.append("| epoch | train loss | dev loss | dev P | dev R | dev F1 | seconds | tokens/s |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in log:
        out.append(f"| {r['epoch']} | {r['train_loss']:.4f} | {r['dev_loss']:.4f} | {r['dev_precision']:.3f} | "
                   f"{r['dev_recall']:.3f} | {r['dev_f1']:.3f} | {r['seconds']:.0f} | {r['tokens_per_second']:.0f} |")
    out.append("")
    out.append("## Training time\n")
    out.append(f"Training epochs: {train_seconds / 60:.1f} min in total (the table above; dev evaluation excluded). "
               f"Whole `bioner-trainer train` run, as `/usr/bin/time` measured it: {timing or 'not recorded'}. "
               "Two fine-tuning jobs ran side by side, one thread each, on a 2-core machine that other work "
               "shared; see docs/BENCHMARKS.md for throughput measured side by side with PyTorch.\n")
    out.append("## Reproduce\n")
    out.append("```sh\nmake build\nscripts/train-default-models.sh build export vocab pretrain   # the encoder\n"
               f"build/trainer/bioner-trainer train --config configs/default-models/{lc}.yaml\n"
               f"/usr/bin/python3 scripts/model-card.py --type {t}\n```\n")
    out.append(f"Source commit of the training run: `{metrics.get('commit')}`.\n")
    open(os.path.join(type_dir, "README.md"), "w").write("\n".join(out))
    print(os.path.join(type_dir, "README.md"))


if __name__ == "__main__":
    main()
