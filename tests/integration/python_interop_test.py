#!/usr/bin/python3
"""Interoperability: a Python gRPC client generated independently from proto/ (Debian's
python3-grpcio and python3-grpc-tools, compiled at test time) calls the real bioner-server.

Usage: python_interop_test.py BUILD_DIR SOURCE_DIR SHARED_DIR
Checks Annotate and AnnotateStream (entities' text equals the document text at their
code-point span, Python's own string indexing), ListModels, and INVALID_ARGUMENT for an
unknown entity type. Prints 'N passed, N failed'.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import grpc
from grpc_tools import protoc

build, source, data = sys.argv[1:4]  # data: tests/data, the fixtures
work = tempfile.mkdtemp(prefix="bioner_pyinterop_")
server = None
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"[ OK ] {name}")
    else:
        failed += 1
        print(f"[FAIL] {name} {detail}")


try:
    # 1. Stubs generated from the .proto, by an implementation that is not ours.
    gen = os.path.join(work, "gen")
    os.makedirs(gen)
    rc = protoc.main(["protoc", f"-I{source}/proto", f"--python_out={gen}", f"--grpc_python_out={gen}",
                      "bioner/v1/tagger.proto"])
    assert rc == 0, "protoc failed"
    for d in ("bioner", "bioner/v1"):
        open(os.path.join(gen, d, "__init__.py"), "a").close()
    sys.path.insert(0, gen)
    from bioner.v1 import tagger_pb2, tagger_pb2_grpc  # noqa: E402

    # 2. A model repository with one untrained Disease model, and the real server.
    repo = os.path.join(work, "models")
    config = os.path.join(work, "disease.json")
    with open(config, "w") as f:
        f.write('{"vocab_size": 28996, "hidden_size": 32, "num_hidden_layers": 1, '
                '"num_attention_heads": 2, "intermediate_size": 64, "max_position_embeddings": 64, '
                '"initializer_range": 0.5, "id2label": {"0": "O", "1": "B-Disease", "2": "I-Disease"}}')
    vocab = os.path.join(data, "testvectors/vocab/biobert-v1.1/vocab.txt")
    subprocess.run([f"{build}/tool/bioner-tool", "init-model", "--config", config, "--vocab", vocab,
                    "--out", f"{repo}/Disease/1", "--seed", "3"], check=True)
    with open(f"{repo}/Disease/1/tokenizer_config.json", "w") as f:
        f.write('{"do_lower_case": false}')
    with open(f"{repo}/Disease/current", "w") as f:
        f.write("1\n")
    server_yaml = os.path.join(work, "server.yaml")
    with open(server_yaml, "w") as f:
        f.write(f"models:\n  repository: {repo}\n  entity_types: [Disease]\n")
    log = open(os.path.join(work, "server.log"), "w+")
    server = subprocess.Popen([f"{build}/server/bioner-server", "--config", server_yaml,
                               "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], stderr=log)
    addr = None
    for _ in range(600):
        log.seek(0)
        m = re.search(r"listening on (\S+)", log.read())
        if m:
            addr = m.group(1)
            break
        assert server.poll() is None, "bioner-server exited during start-up"
        time.sleep(0.1)
    assert addr, "bioner-server did not report its port"

    channel = grpc.insecure_channel(addr)
    stub = tagger_pb2_grpc.TaggerStub(channel)
    title = "Naïve patients with Crohn’s disease"
    abstract = "Colitis and βthalassemia were seen in 3 of 12 patients."

    def document(doc_id):
        return tagger_pb2.Document(id=doc_id, passages=[
            tagger_pb2.Passage(type="title", offset=0, text=title.encode()),
            tagger_pb2.Passage(type="abstract", offset=len(title) + 1, text=abstract.encode())])

    full_text = title + " " + abstract

    def offsets_exact(doc):
        return all(full_text[e.start:e.end] == e.text for e in doc.entities)

    # 3. Unary.
    resp = stub.Annotate(tagger_pb2.AnnotateRequest(documents=[document("a"), document("b")]),
                         timeout=60)
    check("Annotate returns every document in order", [d.id for d in resp.documents] == ["a", "b"])
    check("Annotate entities are exact code-point spans", all(offsets_exact(d) for d in resp.documents))
    check("Annotate entities name the model version",
          all(e.model == "Disease/1" for d in resp.documents for e in d.entities))
    check("random weights still predict something", sum(len(d.entities) for d in resp.documents) > 0)

    # 4. Bidirectional streaming.
    ids = [f"s{i}" for i in range(5)]
    answers = list(stub.AnnotateStream(
        iter([tagger_pb2.AnnotateStreamRequest(document=document(i)) for i in ids]), timeout=60))
    check("AnnotateStream answers every document once", sorted(a.id for a in answers) == ids)
    check("AnnotateStream documents carry no error", all(not a.HasField("error") for a in answers))
    # Spans, not scores: padding in a different batch shifts the floats in the last digits.
    def spans(doc):
        return [(e.start, e.end, e.type, e.text, e.model) for e in doc.entities]
    check("AnnotateStream matches Annotate",
          all(spans(a.document) == spans(resp.documents[0]) for a in answers),
          str([spans(a.document) for a in answers][:1]) + " vs " + str(spans(resp.documents[0])))

    # 5. ListModels and a bad request.
    models = stub.ListModels(tagger_pb2.ListModelsRequest(), timeout=30)
    check("ListModels lists Disease/1", [m.version for m in models.models] == ["Disease/1"])
    try:
        stub.Annotate(tagger_pb2.AnnotateRequest(documents=[document("x")], entity_types=["Protein"]),
                      timeout=30)
        check("unknown entity type is INVALID_ARGUMENT", False, "call succeeded")
    except grpc.RpcError as e:
        check("unknown entity type is INVALID_ARGUMENT",
              e.code() == grpc.StatusCode.INVALID_ARGUMENT and "Protein" in e.details(), str(e))
except Exception as e:  # a set-up failure is a failure, never a skip
    check("set-up", False, repr(e))
finally:
    if server is not None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    shutil.rmtree(work, ignore_errors=True)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
