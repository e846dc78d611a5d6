#!/usr/bin/python3
"""Writes the model card models/<Type>/README.md of an embedded default model from the files
the trainer and scripts/train-default-models.sh left: the version's metrics.json,
train_log.jsonl, config.json and model.safetensors header, the encoder's pretrain reports and
the run's logs. Every number in the card is read from those files; nothing is typed in.
Both architectures: BERT (the first defaults) and BiLSTM-CRF (their word-vector table gets its
own card, models/EMBEDDINGS.md, written with --embeddings).

    /usr/bin/python3 scripts/model-card.py --type Disease [--build build] [--time-log FILE]
    /usr/bin/python3 scripts/model-card.py --embeddings [--embed-log FILE]
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


def time_line(path, t):
    """What /usr/bin/time wrote at the end of a log: the script's "T: S s wall, ...", "S s K kB",
    or the verbose (-v) report's wall clock and maximum resident set size."""
    if not path or not os.path.exists(path):
        return ""
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if wall and peak:
        seconds = 0.0
        for part in wall.group(1).split(":"):
            seconds = seconds * 60 + float(part)
        return f"{seconds / 60:.0f} min wall, {int(peak.group(1)) / 1024:.0f} MB peak"
    for line in reversed(text.splitlines()):
        if line.startswith(f"{t}: ") and "wall" in line:
            return line[len(t) + 2:].strip()
        m = re.fullmatch(r"([\d.]+) s (\d+) kB", line.strip())
        if m:
            return f"{float(m.group(1)):.0f} s wall, {int(m.group(2)) / 1024:.0f} MB peak"
    return ""


def table_of(config):
    """The folder and embedding.json of the word-vector table a BiLSTM-CRF names by hash."""
    sha = config["embedding"]["sha256"]
    folder = os.path.join(ROOT, "models", ".embeddings", sha)
    return folder, json.load(open(os.path.join(folder, "embedding.json")))


def bilstm_architecture(config, cfg, params, dtypes, size_mb):
    b = config["bilstm_crf"]
    folder, info = table_of(config)
    table_mb = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)) / 1e6
    if b["char_dim"] == 0:
        chars = "no character features"
    elif b.get("char_encoder", "cnn") == "lstm":
        chars = (f"a character BiLSTM ({b['char_dim']}-dim character embeddings over {b['num_chars'] - 2} characters, "
                 f"{b['char_filters'] // 2} units per direction, its final states, at most "
                 f"{config['max_chars_per_word']} characters)")
    else:
        chars = (f"a character CNN ({b['char_dim']}-dim character embeddings over {b['num_chars'] - 2} characters, "
                 f"{b['char_filters']} filters of width {b['char_kernel']}, max-pooled per word, at most "
                 f"{config['max_chars_per_word']} characters)")
    casing = f"a {b['casing_dim']}-dim casing-class embedding" if b["casing_dim"] > 0 else "no casing feature"
    vectors = "fine-tuned, stored in the model" if b["train_word_embeddings"] else "frozen: the shared table's"
    return (f"BiLSTM-CRF (HUNER's architecture): each word is its fastText vector ({config['embedding']['dim']} dims, "
            f"{vectors}), {chars} and {casing}; {b['num_layers']} BiLSTM layer{'s' if b['num_layers'] > 1 else ''} of {b['hidden_size']} units per direction "
            f"(dropout {b['dropout']}); a linear layer to the labels; a linear-chain CRF whose transitions forbid "
            f"ill-formed BIO sequences, Viterbi decoding. Words are the project's pre-tokenizer's, so offsets are "
            f"exact code points. {params:,} trained parameters, stored as {'/'.join(dtypes)} (`model.safetensors`, "
            f"{size_mb:.2f} MB), plus the word-vector table it shares with the other defaults "
            f"(`models/.embeddings/{config['embedding']['sha256'][:12]}…`, {config['embedding']['rows']:,} words, "
            f"{info.get('dtype', 'F32')}, {table_mb:.1f} MB, counted once; card: [models/EMBEDDINGS.md](../EMBEDDINGS.md)). "
            f"Windows of {cfg['max_seq_len']} tokens (a word and each of its characters).\n")


def embeddings_card(embed_log):
    tables = sorted(os.listdir(os.path.join(ROOT, "models", ".embeddings")))
    out = ["# The default models' word vectors\n"]
    for sha in tables:
        folder = os.path.join(ROOT, "models", ".embeddings", sha)
        info = json.load(open(os.path.join(folder, "embedding.json")))
        tr = info["training"]
        src = tr.get("converted_from")
        users = [t for t in sorted(os.listdir(os.path.join(ROOT, "models")))
                 if os.path.exists(os.path.join(ROOT, "models", t, "current")) and
                 json.load(open(os.path.join(ROOT, "models", t, open(os.path.join(ROOT, "models", t, "current")).read().strip(),
                                             "config.json"))).get("embedding", {}).get("sha256") == sha]
        size = {f: os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)}
        out.append(f"## `models/.embeddings/{sha}/`\n")
        out.append(f"Used by: {', '.join(users) or 'no current model'}. Format: docs/FORMATS.md, \"Word embeddings\" "
                   f"(`words.txt` + `vectors.safetensors`; the folder name is the SHA-256 of the two, which a model's "
                   f"`config.json` names and the loader checks).\n")
        out.append("| words (rows) | dim | stored as | size | cased |")
        out.append("|---:|---:|---|---:|---|")
        out.append(f"| {info['words']:,} | {info['dim']} | {info.get('dtype', 'F32')} | "
                   f"{sum(size.values()) / 1e6:.1f} MB | {'no (lowercased)' if info['lowercase'] else 'yes'} |\n")
        out.append("**How it was made.** `bioner-trainer embed` (fastText skip-gram with character n-grams, Debian's "
                   "libfasttext 0.9.2) on `../shared/pretrain` (PubMed abstracts, PMC full texts) plus the train splits "
                   "of every HUNER corpus here, split into words by the project's pre-tokenizer"
                   + (f"; then `bioner-trainer embed convert --dtype {info.get('dtype')}` of the table "
                      f"`{src['sha256'][:12]}…` ({src['dtype']})" if src else "") + ".\n")
        keys = ["dim", "epochs", "minn", "maxn", "min_count", "window", "neg", "lr", "bucket", "threads", "seed"]
        out.append("| " + " | ".join(keys) + " |")
        out.append("|" + "---:|" * len(keys))
        out.append("| " + " | ".join(str(tr.get(k)) for k in keys) + " |\n")
        out.append("| documents read | kept | removed by PMID/PMCID | tokens | distinct words | kept by count | "
                   "train-split words below min count | zero vectors | training time |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        out.append(f"| {tr['documents_read']:,} | {tr['documents_kept']:,} | {tr['documents_removed_by_id']:,} | "
                   f"{tr['tokens']:,} | {tr['distinct_words']:,} | {tr['dictionary_words']:,} | "
                   f"{tr['train_split_words_below_min_count']:,} | {tr.get('zero_vectors', tr.get('words_without_ngrams', 'not recorded'))} | "
                   f"{tr['train_seconds'] / 60:.0f} min |\n")
        timing = time_line(embed_log, "embed")
        if timing:
            out.append(f"Whole `embed` run: {timing}.\n")
        out.append("**Nothing of an evaluation split was trained on.** Every document whose PMID/PMCID is in a dev "
                   "or test split of any corpus, or in any split of the held-out corpora (CRAFT v4, BioNLP-ST 2013 CG), "
                   f"was removed before fastText saw the text: {tr['documents_removed_by_id']:,} documents, matched "
                   f"against {tr['exclusion_ids']:,} ids from {len(tr['exclusion_sources'])} split files "
                   f"({tr['exclusion_ids_unmatchable']:,} of those ids are corpus-internal names that no PubMed/PMC "
                   "text can carry). The train-split texts had the same filter.\n")
        out.append("**A word the table lacks** (a word first seen at prediction time) gets the zero `<unk>` vector; the "
                   "taggers' character features are what recognise it. Every word of every training split has a "
                   "vector of its own.\n")
    path = os.path.join(ROOT, "models", "EMBEDDINGS.md")
    open(path, "w").write("\n".join(out))
    print(path)


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
    p.add_argument("--type")
    p.add_argument("--build", default="build")
    p.add_argument("--time-log", help="the training run's log ending with /usr/bin/time's line "
                                       "(default: BUILD/default-models/logs/train-TYPE.log)")
    p.add_argument("--embeddings", action="store_true", help="write models/EMBEDDINGS.md, the table's card")
    p.add_argument("--embed-log", help="the embed run's log ending with /usr/bin/time's line")
    a = p.parse_args()
    if a.embeddings:
        embeddings_card(a.embed_log)
        return
    if not a.type:
        p.error("--type or --embeddings is required")
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
    timing = time_line(a.time_log or os.path.join(build, "logs", f"train-{t}.log"), t)
    bilstm = config.get("model_type") == "bilstm_crf"
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
    if bilstm:
        out.append(bilstm_architecture(config, cfg, params, dtypes, size_mb))
    else:
        out.append(f"BERT (post-LayerNorm, GELU): hidden {config['hidden_size']}, {config['num_hidden_layers']} layers, "
                   f"{config['num_attention_heads']} heads, intermediate {config['intermediate_size']}, "
                   f"{config['max_position_embeddings']} positions (windows of {cfg['max_seq_len']} tokens), cased WordPiece "
                   f"vocabulary of {config['vocab_size']}; {params:,} parameters, stored as {'/'.join(dtypes)} "
                   f"(`model.safetensors`, {size_mb:.1f} MB). BioBERT-base has 108M parameters: this model is about "
                   f"{108e6 / params:.0f}× smaller, sized for two CPU cores and a 30 MB budget for all five models.\n")
    if not bilstm:
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
    if bilstm:
        keys = ["epochs", "batch_size", "learning_rate", "weight_decay", "warmup_ratio", "max_grad_norm", "dropout",
                "max_seq_len", "char_dim", "char_filters", "char_kernel", "casing_dim", "lstm_hidden", "lstm_layers",
                "train_embeddings", "scheme", "seed", "num_threads", "weights_dtype"]
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
    if bilstm:
        out.append("The comparison is of kind, not identical: the seed and HunFlair trained on more corpora (11 of the 25 "
                   "trainable HUNER corpora are missing here, see docs/CORPORA.md), and their test sets include those "
                   "corpora; the seed's BioBERT is a 108M-parameter encoder pretrained on billions of words, this "
                   "model learns from the labelled data over word vectors trained here on about 28M words.\n")
    else:
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
               + ("Two or three training jobs ran side by side, one thread each, on a 2-core machine that also "
                  "built and tested code, so the time is an upper bound; docs/BENCHMARKS.md has the serving speed.\n"
                  if bilstm else
                  "Two fine-tuning jobs ran side by side, one thread each, on a 2-core machine that other work "
                  "shared; see docs/BENCHMARKS.md for throughput measured side by side with PyTorch.\n"))
    out.append("## Reproduce\n")
    prep = ("scripts/train-default-models.sh build export embed   # the word-vector table\n" if bilstm else
            "scripts/train-default-models.sh build export vocab pretrain   # the encoder\n")
    out.append("```sh\nmake build\n" + prep +
               f"build/trainer/bioner-trainer train --config configs/default-models/{lc}.yaml\n"
               f"/usr/bin/python3 scripts/model-card.py --type {t}\n```\n")
    out.append(f"Source commit of the training run: `{metrics.get('commit')}`. The run's full configuration is "
               f"`config` in `{version}/metrics.json` (its paths are those of the machine it ran on).\n")
    open(os.path.join(type_dir, "README.md"), "w").write("\n".join(out))
    print(os.path.join(type_dir, "README.md"))


if __name__ == "__main__":
    main()
