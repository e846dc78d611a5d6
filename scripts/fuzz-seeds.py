#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: small seed inputs for the fuzz targets (fuzz/*_fuzz.cc),
cut from the real samples and corpora of the shared data folder and from tests/data.

    scripts/fuzz-seeds.py [SHARED_DIR]     (default: ../shared beside the checkout)

Seeds are kept small (a document or two each) because libFuzzer mutates and re-runs them
hundreds of thousands of times; the committed result is what the fuzzers and the replay tests
use, so this script is only needed to regenerate them. The input layouts (selector byte, NUL
between files) are those stated at the top of each *_fuzz.cc.
"""
import gzip
import io
import json
import os
import pickle
import re
import struct
import sys
import tarfile
import types
import zipfile
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared")
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
TESTVECTORS = os.path.join(ROOT, "tests", "data", "testvectors")


def shared(*parts):
    return os.path.join(SHARED, *parts)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def write(target, name, data):
    folder = os.path.join(SEEDS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def parts(*files):
    """Files joined by NUL, as fuzz/scratch_dir.h SplitParts cuts them."""
    return b"\0".join(f.encode("utf-8") if isinstance(f, str) else f for f in files)


def first_element(xml, tag):
    """The first <tag ...>...</tag> of `xml` (no nesting of the same tag assumed)."""
    m = re.search(r"<%s[\s>].*?</%s>" % (tag, tag), xml, re.S)
    return m.group(0)


# --- jsonl -----------------------------------------------------------------------------------
lines = read(os.path.join(ROOT, "examples", "abstracts.jsonl")).splitlines()
write("jsonl", "abstract.jsonl", lines[0])
write("jsonl", "two-lines.jsonl", lines[1][:400].rsplit(" ", 1)[0] + '"}]}\n\n' + lines[0][:300])
write("jsonl", "entities.jsonl", json.dumps({
    "id": "1", "corpus": "ncbi_disease",
    "passages": [{"type": "title", "offset": 0, "text": "BRCA1 in breast cancer."},
                 {"type": "abstract", "offset": 24, "text": "Mutations cause ovarian cancer."}],
    "entities": [{"start": 9, "end": 22, "type": "Disease", "text": "breast cancer",
                  "score": 0.98, "model": "Disease/3"}]}))
write("jsonl", "text-only.jsonl", '{"id": "x", "text": "Caf\\u00e9 \u00e9t\u00e9 \U0001F600 IL-2"}')

# --- input_formats: '0' plain_text, '1' pubmed_xml, '2' jats, '3' bioc_xml, '4' bioc_json,
# '5' pubtator ----------------------------------------------------------------------------------
write("input_formats", "plain_text", "0" + "Aspirin reduces fever.\nIt is a drug.\n\n\nSecond block\n")
pubmed = gzip.decompress(read(shared("samples", "pubmed_xml", "pubmed26n1334.xml.gz"), "rb")).decode()
article = first_element(pubmed, "PubmedArticle")
pubmed_small = ('<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n' + article +
                "\n<DeleteCitation><PMID Version=\"1\">123</PMID></DeleteCitation>\n</PubmedArticleSet>\n")
write("input_formats", "pubmed_xml", "1" + pubmed_small)
write("input_formats", "pubmed_xml_gz", b"1" + gzip.compress(pubmed_small.encode(), mtime=0))
medline = gzip.decompress(read(shared("samples", "pubmed_xml", "medline16n0902.xml.gz"), "rb")).decode()
citation = first_element(medline, "MedlineCitation")
write("input_formats", "medline_xml", "1<MedlineCitationSet>" + citation + "</MedlineCitationSet>")

jats = read(shared("samples", "pmc_oa_jats", "pntd.0002065.nxml"))
front = first_element(jats, "front")
front = re.sub(r"<contrib-group>.*?</contrib-group>", "", front, flags=re.S)
paragraphs = re.findall(r"<p>.*?</p>", jats[jats.index("<body>"):], re.S)[:2]
jats_small = (jats[:jats.index("<front>")] + front + "<body><sec><title>Introduction</title>" +
              "".join(paragraphs) + "</sec></body></article>\n")
write("input_formats", "jats", "2" + jats_small)

bioc_xml = read(shared("samples", "bioc_pubtator_biored", "Dev.BioC.XML"))
head = bioc_xml[:bioc_xml.index("<document>")]
write("input_formats", "bioc_xml", "3" + head + first_element(bioc_xml, "document") + "</collection>\n")
bioc_json = json.loads(read(shared("samples", "bioc_pubtator_biored", "Dev.BioC.JSON")))
bioc_json["documents"] = bioc_json["documents"][:1]
for d in bioc_json["documents"]:
    d["relations"] = d.get("relations", [])[:2]
write("input_formats", "bioc_json", "4" + json.dumps(bioc_json))
pubtator = read(shared("samples", "bioc_pubtator_biored", "Dev.PubTator"))
write("input_formats", "pubtator", "5" + pubtator.split("\n\n")[0] + "\n\n")

# --- corpus_formats: the layouts of corpus_formats_fuzz.cc, selector '0' + index -------------
def corpus(index, name, *files):
    write("corpus_formats", name, chr(ord("0") + index).encode() + parts(*files))


train_in = read(shared("corpora", "bc2gm", "train", "train.in")).splitlines()[:4]
ids = {l.split(" ", 1)[0] for l in train_in}
genes = [l for l in read(shared("corpora", "bc2gm", "train", "GENE.eval")).splitlines()
         if l.split("|", 1)[0] in ids]
corpus(0, "bc2gm", "\n".join(train_in) + "\n", "\n".join(genes) + "\n")

brat = shared("corpora", "cellfinder", "cellfinder1_brat")
stem = min((f[:-4] for f in os.listdir(brat) if f.endswith(".txt")),
           key=lambda s: os.path.getsize(os.path.join(brat, s + ".txt")))
text = read(os.path.join(brat, stem + ".txt"))[:1500]
ann = [l for l in read(os.path.join(brat, stem + ".ann")).splitlines()
       if l.startswith("T") and int(re.split(r"[ \t;]", l)[3]) <= len(text)][:12]
corpus(1, "brat", text, "\n".join(ann) + "\n")
corpus(11, "brat_a1", "IL-2 binds its receptor.", "T1\tProtein 0 4\tIL-2\n",
       "T2\tProtein 10 13;14 22\tits receptor\nE1\tBinding:T3 Theme:T1\n")

with tarfile.open(shared("corpora", "cll", "CLL_corpus.tar.gz")) as tar:
    member = next(m for m in tar.getmembers() if m.name.endswith(".nersuite"))
    nersuite = tar.extractfile(member).read().decode()
corpus(2, "cll_nersuite", "\n".join(nersuite.splitlines()[:40]) + "\n")
corpus(3, "iob2", "###MEDLINE:1\n\nIL-2\tB-protein\ngene\tI-protein\nis\tO\n\n"
       "T\tB-cell_type\ncells\tI-cell_type\n.\tO\n\n###MEDLINE:2\n\nx\tI-DNA\ny\tB-DNA\n")

linnaeus = shared("corpora", "linnaeus", "manual-corpus-species-1.0")
tags = read(os.path.join(linnaeus, "filtered_tags.tsv")).splitlines()
docs = []
for row in tags[1:]:
    doc = row.split("\t")[1]
    if doc not in docs:
        docs.append(doc)
    if len(docs) == 2:
        break
# The first 2,000 characters of each and the tags inside them.
rows = [tags[0]] + [r.replace("\t" + docs[0] + "\t", "\td1\t").replace("\t" + docs[1] + "\t", "\td2\t")
                    for r in tags[1:] if r.split("\t")[1] in docs[:2] and int(r.split("\t")[3]) <= 2000]
corpus(4, "linnaeus", read(os.path.join(linnaeus, "txt", docs[0] + ".txt"))[:2000],
       read(os.path.join(linnaeus, "txt", docs[1] + ".txt"))[:2000], "\n".join(rows[:20]) + "\n")

with tarfile.open(shared("corpora", "osiris", "OSIRIScorpusv02.tar")) as tar:
    txt = tar.extractfile("OSIRIScorpusv02/article1.txt").read().decode()
    osiris_ann = tar.extractfile("OSIRIScorpusv02/article1.txt.ann").read().decode()
corpus(5, "osiris", txt, osiris_ann)

hprd50 = read(shared("corpora", "hprd50", "HPRD50-test.xml"))
ppi = hprd50[:hprd50.index("<document")] + first_element(hprd50, "document") + "</corpus>\n"
corpus(6, "ppi_xml", ppi)
corpus(7, "ppi_xml_sentence_index", ppi)

loctext = shared("corpora", "loctext", "LocText")
smallest = min(os.listdir(loctext), key=lambda f: os.path.getsize(os.path.join(loctext, f)))
corpus(8, "pubannotation_json", read(os.path.join(loctext, smallest)))

s800 = read(shared("corpora", "s800", "S800.tsv")).splitlines()
first = s800[0].split("\t")[1].split(":")[0]
abstract = read(shared("corpora", "s800", "abstracts", first + ".txt"))
rows = [r.replace(first + ":", "species001:") for r in s800 if r.split("\t")[1].startswith(first + ":")]
corpus(9, "s800", abstract, "\n".join(rows) + "\n")

with zipfile.ZipFile(shared("corpora", "variome", "hvp_bioc.xml.zip")) as z:
    variome = z.read(z.namelist()[0]).decode()
document = first_element(variome, "document")
passages = re.findall(r"<passage>.*?</passage>", document, re.S)[:2]
document = document[:document.index("<passage>")] + "".join(passages) + "</document>"
corpus(10, "bioc_xml_drop_line",
       variome[:variome.index("<document>")] + document + "</collection>\n")

# --- safetensors ------------------------------------------------------------------------------
def safetensors(tensors, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


tiny = read(os.path.join(TESTVECTORS, "model", "tiny-f32", "model.safetensors"), "rb")
(n,) = struct.unpack("<Q", tiny[:8])
tiny_header = json.loads(tiny[8:8 + n])
small = sorted((k for k, v in tiny_header.items() if k != "__metadata__"),
               key=lambda k: tiny_header[k]["data_offsets"][1] - tiny_header[k]["data_offsets"][0])[:4]
write("safetensors", "tiny-f32-subset.safetensors", safetensors(
    [(k, tiny_header[k]["dtype"], tiny_header[k]["shape"],
      tiny[8 + n + tiny_header[k]["data_offsets"][0]:8 + n + tiny_header[k]["data_offsets"][1]])
     for k in small], {"format": "pt"}))
write("safetensors", "dtypes.safetensors", safetensors([
    ("a.f16", "F16", [2, 2], b"\x00\x3c" * 4), ("b.bf16", "BF16", [3], b"\x80\x3f" * 3),
    ("c.i64", "I64", [1], struct.pack("<q", -7)), ("d.bool", "BOOL", [2], b"\x01\x00"),
    ("e.empty", "F32", [0, 5], b""), ("f.scalar", "F64", [], struct.pack("<d", 1.5))]))
write("safetensors", "empty.safetensors", safetensors([]))

# --- pytorch_bin: torch.save's two formats, written here without torch -------------------------
# Stand-ins with torch's module and names, so that pickle writes the GLOBALs torch writes.
torch_utils = types.ModuleType("torch._utils")
torch_mod = types.ModuleType("torch")
sys.modules["torch"], sys.modules["torch._utils"] = torch_mod, torch_utils


def _rebuild_tensor_v2(*args):
    pass


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
FloatStorage = type("FloatStorage", (), {"__module__": "torch"})
LongStorage = type("LongStorage", (), {"__module__": "torch"})
torch_mod.FloatStorage, torch_mod.LongStorage = FloatStorage, LongStorage


class Storage:
    def __init__(self, key, cls, numel, raw):
        self.key, self.cls, self.numel, self.raw = key, cls, numel, raw


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, OrderedDict())

    def __reduce__(self):
        return (_rebuild_tensor_v2, self.args)


class StatePickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.cls, obj.key, "cpu", obj.numel)
        return None


def dumps(obj):
    out = io.BytesIO()
    StatePickler(out, protocol=2).dump(obj)
    return out.getvalue()


weights = Storage("0", FloatStorage, 6, struct.pack("<6f", *range(6)))
ids = Storage("1", LongStorage, 2, struct.pack("<2q", 3, 4))
state = OrderedDict([("bert.embeddings.weight", Tensor(weights, 0, (2, 3), (3, 1))),
                     ("classifier.weight", Tensor(weights, 2, (2, 2), (1, 2))),  # strided view
                     ("position_ids", Tensor(ids, 0, (2,), (1,)))])
zip_bytes = io.BytesIO()
with zipfile.ZipFile(zip_bytes, "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", dumps(state))
    z.writestr("archive/data/0", weights.raw)
    z.writestr("archive/data/1", ids.raw)
    z.writestr("archive/version", "3\n")
write("pytorch_bin", "small-zip.bin", zip_bytes.getvalue())
legacy = (dumps(0x1950a86a20f9469cfc6c) + dumps(1001) +
          dumps({"protocol_version": 1001, "little_endian": True,
                 "type_sizes": {"short": 2, "int": 4, "long": 4}}) +
          dumps(state) + dumps(["0", "1"]) +
          struct.pack("<q", 6) + weights.raw + struct.pack("<q", 2) + ids.raw)
write("pytorch_bin", "small-legacy.bin", legacy)
for name in ("malicious-zip", "malicious-legacy"):
    write("pytorch_bin", name + ".bin", read(os.path.join(TESTVECTORS, "model-bin", name, "pytorch_model.bin"), "rb"))

# --- model_folder: config.json, label_map.json, model.safetensors.index.json,
# pytorch_model.bin.index.json, tokenizer_config.json (NUL between) ---------------------------
config = read(os.path.join(TESTVECTORS, "model", "tiny-f32", "config.json"))
names = sorted(k for k in tiny_header if k != "__metadata__")
st_index = json.dumps({"metadata": {"total_size": len(tiny)},
                       "weight_map": {k: "model-00001-of-00001.safetensors" for k in names}})
write("model_folder", "safetensors-index", parts(config, "", st_index, "", '{"do_lower_case": false}'))
write("model_folder", "label-map-types", parts(config, '{"types": {"Disease": "Disease"}, "comment": "x"}'))
write("model_folder", "label-map-labels",
      parts(config, '{"labels": {"O": "O", "B-Disease": "B-Chemical", "I-Disease": "I-Chemical"}}'))
encoder = read(os.path.join(TESTVECTORS, "model", "encoder-only", "config.json"))
write("model_folder", "encoder-type-map", parts(encoder, '{"type": "Disease"}', "", "",
                                              '{"do_lower_case": true, "strip_accents": null}'))
write("model_folder", "hf-bert-base-cased",
      parts(read(os.path.join(TESTVECTORS, "vocab", "bert-base-cased", "config.json")), "", "",
            '{"weight_map": {"x": "pytorch_model-00001-of-00001.bin"}}',
            read(os.path.join(TESTVECTORS, "vocab", "bert-base-cased", "tokenizer_config.json"))))

# --- wordpiece: setting byte, then the text (bit 7: vocab.txt NUL text) -----------------------
abstract_text = json.loads(lines[0])["passages"][1]["text"][:600]
write("wordpiece", "uncased", bytes([0x01]) + abstract_text.encode())
write("wordpiece", "cased", bytes([0x02]) + abstract_text.encode())
write("wordpiece", "unicode", bytes([0x03]) + "Ünïcödé naïve café 中文字 ﬁ ½ \u200b\u00ad x\ufffd y 🧬 İstanbul".encode())
write("wordpiece", "short-words", bytes([0x04 | (3 << 3)]) + b"interleukin-2 receptor alpha chain")
write("wordpiece", "own-vocab", bytes([0x80]) + parts(
    read(os.path.join(TESTVECTORS, "model", "tiny-f32", "vocab.txt")), "the cancer patient's genes"))

# --- wire: a serialized bioner.v1.AnnotateRequest, written by hand (no protobuf module) -------
def varint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def field(number, value):
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value


def passage(kind, offset, text):
    return field(1, kind) + field(2, offset) + field(3, text)


def entity(start, end, kind, text):
    return field(1, start) + field(2, end) + field(3, kind) + field(4, text) + field(6, "Disease/3")


doc1 = (field(1, "14510914") + field(2, "ncbi_disease") +
        field(3, passage("title", 0, "Congenital hypothyroidism due to a deletion.")) +
        field(3, passage("abstract", 45, "Iodide transport defect is rare.")) +
        field(4, entity(11, 25, "Disease", "hypothyroidism")))
doc2 = (field(1, "gap") + field(3, passage("title", 5, "Caf\u00e9 au lait")) +
        field(3, passage("abstract", 1048576, "x")))
write("wire", "request", field(1, doc1) + field(1, doc2) + field(2, "Disease"))
write("wire", "one-document", field(1, doc1))

# --- yaml_config: '0' KeyReader, '1' server, '2' trainer daemon, '3' training ------------------
write("yaml_config", "keys", "0int: 42\nnumber: 1.5e3\nbool: true\nstring: hello\nlisten: '[::1]:50051'\n"
      "list: [a, b]\nsection:\n  int: 7\n  string: x\nmaybe_bool: ~\n")
write("yaml_config", "server", "1" + read(os.path.join(ROOT, "configs", "server.yaml")))
write("yaml_config", "trainer", "2" + read(os.path.join(ROOT, "configs", "trainer.yaml")))
write("yaml_config", "train-disease", "3" + read(os.path.join(ROOT, "configs", "train-disease.yaml")))
write("yaml_config", "train-jsonl", "3" + read(os.path.join(ROOT, "configs", "train-jsonl.yaml")))

total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(SEEDS) for f in fs)
print("fuzz-seeds: %d bytes in %s" % (total, SEEDS))
