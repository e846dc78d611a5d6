#!/usr/bin/python3
"""How much memory one Annotate call can make bioner-server allocate (docs/RELIABILITY.md,
"Memory amplification"). For each request shape, a fresh server with the given config
(default: configs/server.yaml, the embedded default models) gets one warm-up call, then the
probe call; printed: the message size, the call's status, and the growth of the server's
peak resident memory (VmHWM) and of its resident memory (VmRSS) 5 s after the answer.

    /usr/bin/python3 scripts/probe-request-memory.py BUILD_DIR [CONFIG] [SHAPE...]

Needs Debian's python3-grpcio and python3-grpc-tools (the proto is compiled at run time).
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import grpc
from grpc_tools import protoc

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC_LIMIT = 262144  # limits.max_request_bytes (and max_document_bytes) of the shipped config


def compile_proto(gen):
    rc = protoc.main(["protoc", f"-I{SOURCE}/proto", f"--python_out={gen}",
                      f"--grpc_python_out={gen}", f"{SOURCE}/proto/bioner/v1/tagger.proto"])
    assert rc == 0, "protoc failed"
    sys.path.insert(0, gen)


def largest(build):
    """build(n) for the largest n whose message fits max_request_bytes."""
    lo, hi = 1, DOC_LIMIT
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if build(mid).ByteSize() <= DOC_LIMIT:
            lo = mid
        else:
            hi = mid - 1
    return build(lo)


def shapes(pb):
    """Request builders by name: the attack of issue #14, the worst shapes a valid call can
    take (each as large as max_request_bytes allows, as sent), and messages of empty
    elements far over it."""
    def doc(i, passages):
        return pb.Document(id=f"d{i}", passages=[pb.Passage(offset=o, text=t) for o, t in passages])
    return {
        # issue #14: 1,500 documents {"offset": <limit>, "text": "x"}
        "gaps": lambda: pb.AnnotateRequest(documents=[doc(i, [(DOC_LIMIT, b"x")]) for i in range(1500)]),
        # one document of punctuation: 2 model tokens a byte for the word-level models
        "dots": lambda: largest(lambda n: pb.AnnotateRequest(documents=[doc(0, [(0, b"." * n)])])),
        # one-byte passages: a few hundred bytes of server memory each
        "passages": lambda: largest(lambda n: pb.AnnotateRequest(
            documents=[doc(0, [(i, b".") for i in range(n)])])),
        # one-byte documents
        "documents": lambda: largest(lambda n: pb.AnnotateRequest(
            documents=[doc(i, [(0, b".")]) for i in range(n)])),
        # one AnnotateStream call of 64 documents shaped as "passages" (each within
        # max_document_bytes): the stream's in-flight documents are what it holds
        "stream-passages": lambda: ("stream", [pb.AnnotateStreamRequest(document=d) for d in
                                               [largest(lambda n: pb.AnnotateRequest(documents=[
                                                   doc(0, [(i, b".") for i in range(n)])])).documents[0]] * 64]),
        # 8 million empty passages (2 bytes each) in one document, just under the old 16 MiB
        # receive limit; written as bytes (protobuf objects would be slow here)
        "empty-passages": lambda: b"\x0a" + varint(16_000_000) + b"\x1a\x00" * 8_000_000,
        # 8 million empty documents
        "empty-documents": lambda: b"\x0a\x00" * 8_000_000,
    }


def varint(n):
    out = b""
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out += bytes([low | 0x80])
        else:
            return out + bytes([low])


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def probe(build, config, name, make, pb, pb_grpc):
    err = tempfile.TemporaryFile()
    server = subprocess.Popen([f"{build}/server/bioner-server", "--config", config,
                               "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0"],
                              cwd=SOURCE, stderr=err)
    try:
        port = None
        for _ in range(600):
            err.seek(0)
            m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", err.read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.1)
        assert port, "the server did not start"
        options = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]
        stub = pb_grpc.TaggerStub(grpc.insecure_channel(f"127.0.0.1:{port}", options=options))
        stub.Annotate(pb.AnnotateRequest(documents=[pb.Document(id="w", passages=[
            pb.Passage(text=b"Mutations in BRCA1 cause breast cancer; tamoxifen lowers the risk.")])]),
            timeout=120)
        time.sleep(1)
        hwm0, rss0 = status_kb(server.pid, "VmHWM"), status_kb(server.pid, "VmRSS")
        request = make()
        if isinstance(request, tuple):  # a stream: its requests, answers read as they come
            hwm1, size, took, code = probe_stream(stub, request[1], pb, server.pid)
            print_row(name, size, took, hwm1 - hwm0, server.pid, rss0, code)
            return
        if not isinstance(request, bytes):
            request = request.SerializeToString()
        size = len(request)
        annotate = grpc.insecure_channel(f"127.0.0.1:{port}", options=options).unary_unary(
            "/bioner.v1.Tagger/Annotate")  # bytes in, bytes out
        start = time.time()
        try:
            annotate(request, timeout=600)
            code = "OK"
        except grpc.RpcError as e:
            code = f"{e.code().name}: {e.details()[:90]}"
        took = time.time() - start
        hwm1 = status_kb(server.pid, "VmHWM")
        print_row(name, size, took, hwm1 - hwm0, server.pid, rss0, code)
    finally:
        server.terminate()
        server.wait()


def probe_stream(stub, requests, pb, pid):
    size = sum(r.ByteSize() for r in requests)
    start = time.time()
    errors = {}
    for answer in stub.AnnotateStream(iter(requests), timeout=600):
        if answer.HasField("error"):
            errors[answer.error.code] = errors.get(answer.error.code, 0) + 1
    code = f"OK, {len(requests)} documents, per-document errors by code: {errors}"
    return status_kb(pid, "VmHWM"), size, time.time() - start, code


def print_row(name, size, took, hwm_growth_kb, pid, rss0, code):
    time.sleep(5)
    rss1 = status_kb(pid, "VmRSS")
    print(f"{name:16} message {size / 1e6:6.2f} MB  {took:6.1f} s  peak RSS +{hwm_growth_kb / 1024:7.1f} MiB"
          f"  RSS after 5 s +{(rss1 - rss0) / 1024:7.1f} MiB  (baseline RSS {rss0 / 1024:.0f} MiB)  {code}",
          flush=True)


def main():
    build = os.path.abspath(sys.argv[1])
    config = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else f"{SOURCE}/configs/server.yaml"
    with tempfile.TemporaryDirectory() as gen:
        compile_proto(gen)
        from bioner.v1 import tagger_pb2 as pb, tagger_pb2_grpc as pb_grpc  # noqa: E402
        table = shapes(pb)
        for name in sys.argv[3:] or list(table):
            probe(build, config, name, table[name], pb, pb_grpc)


if __name__ == "__main__":
    main()
