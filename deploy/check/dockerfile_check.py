#!/usr/bin/python3
"""The Dockerfile, checked without a Docker engine (the fast check; debian_root.py runs the
build stage for real in a debootstrap'ed root).

Usage: dockerfile_check.py SOURCE_DIR BUILD_DIR TOOLS_DIR

1. Structure, so that the image cannot drift from the developers' build: the build stage is
   Debian 12, copies and runs scripts/install-deps.sh (its PACKAGES are the package list;
   no other apt-get install there) and builds with `make build`; the runtime stages copy the
   three programs and the core layers' libbioner_*.so that the build produces, the default models and the
   example config, and run as a non-root user; every COPY source exists.
2. The runtime stage's packages against `ldd` of the programs built in BUILD_DIR: each
   library's Debian package (dpkg -S) must be listed, be pulled in by a listed package
   (apt-cache depends --recurse), or be part of every Debian base (Priority required /
   Essential); each listed package must provide a linked library (or be a named exception);
   no -dev package.
3. Lint: dockerfile-utils (npm; no hadolint package exists for Debian 12) plus the hadolint
   rules that matter here: --no-install-recommends, apt lists removed in the same layer,
   tagged base images, exec-form ENTRYPOINT, COPY --from an earlier stage, no ADD, EXPOSE
   matching configs/server.yaml.
Prints 'N passed, N failed'; exit 1 on any failure.
"""
import glob
import json
import os
import re
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import dockerfile  # noqa: E402

source, build, tools = (os.path.abspath(a) for a in sys.argv[1:4])
check = checks.Checks()
PROGRAMS = ["server/bioner-server", "client/bioner-client", "trainer/bioner-trainer"]
# Listed runtime packages that no program links directly, and why.
NOT_LINKED = {"ca-certificates": "TLS roots for the trainer's corpus downloads (libcurl)"}


def run_lines(stage):
    return [i.args for i in stage.of("RUN")]


def structure(stages):
    names = [s.name for s in stages]
    check("stages build, runtime, build-cuda, runtime-cuda",
          names == ["build", "runtime", "build-cuda", "runtime-cuda"], str(names))
    b, rt = dockerfile.stage(stages, "build"), dockerfile.stage(stages, "runtime")
    check("build stage is Debian 12 (bookworm)", b.base == "debian:bookworm", b.base)
    check("runtime stage is Debian 12 slim", rt.base == "debian:bookworm-slim", rt.base)
    cuda = dockerfile.stage(stages, "runtime-cuda")
    check("runtime-cuda is on NVIDIA's CUDA runtime base",
          re.fullmatch(r"nvidia/cuda:[0-9.]+-(cudnn-)?runtime-ubuntu\d\d\.\d\d", cuda.base) is not None,
          cuda.base)
    runs = run_lines(b)
    check("build stage runs scripts/install-deps.sh (the one package list)",
          any(re.search(r"(^|\s)\./scripts/install-deps\.sh(\s|$)", r) for r in runs), str(runs))
    check("build stage has no package list of its own",
          not any(dockerfile.apt_packages(r) for r in runs))
    copies = [i.copy_parts() for i in b.of("COPY")]
    check("install-deps.sh is copied before it runs (cached layer)",
          copies and copies[0][1] == ["scripts/install-deps.sh"])
    make = [r for r in runs if re.search(r"(^|\s)make build(\s|$)", r)]
    check("build stage builds with `make build`, as developers do", len(make) == 1, str(runs))
    m = re.search(r"BUILD_DIR=(\S+)", make[0]) if make else None
    build_dir = m.group(1) if m else "/src/build"
    with open(os.path.join(source, "Makefile")) as f:
        mk = f.read()
    check("the Makefile's build target is configure + cmake --build",
          re.search(r"^build: configure\n\tcmake --build \$\(BUILD_DIR\)", mk, re.M) is not None
          and re.search(r"^configure: deps\n\tcmake -S \. -B \$\(BUILD_DIR\) -G Ninja", mk, re.M) is not None)
    # Runtime stages: the three programs + the core library from the build, models, config.
    for st, bdir in ((rt, build_dir), (cuda, "/src/build-cuda")):
        froms = [p for i in st.of("COPY") for p in [i.copy_parts()] if "from" in p[0]]
        copied = {s for flags, srcs, _ in froms for s in srcs}
        want = {f"{bdir}/{p}" for p in PROGRAMS}
        check(f"{st.name} copies the three programs from the build", want <= copied, str(copied))
        ctx = [p for i in st.of("COPY") for p in [i.copy_parts()] if "from" not in p[0]]
        srcs = {s for _, ss, _ in ctx for s in ss}
        check(f"{st.name} copies the default models and the example config",
              {"models/", "configs/server.yaml"} <= srcs, str(srcs))
        users = st.of("USER")
        check(f"{st.name} runs as a non-root user",
              users and re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1].args) is not None)
        ep = st.of("ENTRYPOINT")
        check(f"{st.name} starts bioner-server (exec form)",
              ep and ep[-1].args.startswith("[") and ep[-1].words()[0].endswith("/bioner-server"))
    check("runtime copies the core layers' libraries", f"{build_dir}/core/*/libbioner_*.so" in
          {s for i in rt.of("COPY") for s in i.copy_parts()[1]})
    # Every build-context source exists (models/ arrives with issue #4's commit).
    for st in stages:
        for ins in st.of("COPY"):
            flags, srcs, _ = ins.copy_parts()
            if "from" in flags:
                continue
            for s in srcs:
                if "$" in s:
                    continue  # a build argument (the CUDA LibTorch zip)
                if s == "models/" and not os.path.exists(os.path.join(source, "models")):
                    print(f"NOTE: line {ins.line}: models/ is not in the tree yet (issue #4); "
                          "`docker build` needs it")
                    continue
                check(f"line {ins.line}: COPY source {s} exists", os.path.exists(os.path.join(source, s)))
    with open(os.path.join(source, ".dockerignore")) as f:
        ignore = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    check(".dockerignore keeps build trees and .git out of the context", {"build", ".git"} <= ignore)
    return build_dir


def packages_of(paths):
    """{path: Debian package} by `dpkg -S` (one call per try: the real path, then the path
    as linked, for files that dpkg knows under a symlinked directory)."""
    owner = {}
    for variant in (os.path.realpath, lambda p: p):
        todo = {variant(p): p for p in paths if p not in owner}
        if not todo:
            break
        out = subprocess.run(["dpkg", "-S", *todo], capture_output=True, text=True).stdout
        for line in out.splitlines():
            pkgs, _, f = line.partition(": ")
            if f in todo:
                owner[todo[f]] = pkgs.split(",")[0].split(":")[0].strip()
    return owner


def runtime_packages(stages):
    rt = dockerfile.stage(stages, "runtime")
    listed = [p for r in run_lines(rt) for p in dockerfile.apt_packages(r)]
    check("runtime stage installs its packages with apt-get", len(listed) > 5, str(listed))
    check("runtime stage installs no -dev package", not [p for p in listed if p.endswith("-dev")])
    binaries = [os.path.join(build, p) for p in PROGRAMS] + sorted(
        glob.glob(os.path.join(build, "core/*/libbioner_*.so")))
    missing_bins = [b for b in binaries if not os.path.exists(b)]
    check("the programs are built (BUILD_DIR)", not missing_bins, str(missing_bins))
    binaries = [b for b in binaries if os.path.exists(b)]
    if not binaries:
        return
    out = subprocess.run(["ldd", *binaries], capture_output=True, text=True).stdout
    check("ldd resolves every library", "not found" not in out,
          str([l for l in out.splitlines() if "not found" in l]))
    libs = sorted({m.group(1) for m in re.finditer(r"=> (/\S+)", out)} - set(binaries))
    libs = [l for l in libs if not l.startswith(build)]
    need, unowned = {}, []
    owner = packages_of(libs)
    for lib in libs:
        pkg = owner.get(lib)
        if pkg:
            need.setdefault(pkg, []).append(os.path.basename(lib))
        else:
            unowned.append(lib)
    check("every linked library comes from a Debian package", not unowned, str(unowned))
    base = set()
    for line in subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Priority} ${Essential}\n"],
                               capture_output=True, text=True).stdout.splitlines():
        name, prio, ess = (line.split() + ["", "", ""])[:3]
        if prio == "required" or ess == "yes":
            base.add(name)
    r = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                        "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *listed],
                       capture_output=True, text=True)
    closure = {l.strip() for l in r.stdout.splitlines() if l and not l.startswith(" ") and not l.startswith("<")}
    check("apt-cache knows every runtime package", set(listed) <= closure, str(set(listed) - closure))
    uncovered = sorted(p for p in need if p not in closure and p not in base)
    check(f"the runtime packages cover the {len(libs)} libraries of the programs ({len(need)} packages)",
          not uncovered, "missing: " + ", ".join(f"{p} ({need[p][0]})" for p in uncovered))
    unused = sorted(p for p in listed if p not in need and p not in NOT_LINKED)
    check("every listed runtime package provides a linked library", not unused, str(unused))


def lint(stages):
    linter = os.path.join(tools, "node_modules/.bin/dockerfile-utils")
    r = subprocess.run([linter, "lint", os.path.join(source, "Dockerfile")], capture_output=True, text=True)
    check("dockerfile-utils lint: no problem", r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr)
    text = open(os.path.join(source, "Dockerfile")).read()
    check("Dockerfile uses no ADD", not re.search(r"^\s*ADD\s", text, re.M))
    seen = []
    for st in stages:
        check(f"stage {st.name}: base image tagged, not latest",
              st.base in seen or (":" in st.base and not st.base.endswith(":latest")), st.base)
        for ins in st.instructions:
            if ins.keyword == "RUN" and "apt-get install" in ins.args:
                check(f"line {ins.line}: apt-get install -y --no-install-recommends",
                      "--no-install-recommends" in ins.args and re.search(r"\s-y\b", ins.args))
            if ins.keyword == "RUN" and "apt-get update" in ins.args and st.name != "build-cuda":
                check(f"line {ins.line}: apt lists removed in the same layer",
                      "rm -rf /var/lib/apt/lists/*" in ins.args)
            if ins.keyword == "COPY":
                frm = ins.copy_parts()[0].get("from")
                if frm is not None:
                    check(f"line {ins.line}: COPY --from={frm} names an earlier stage", frm in seen)
            if ins.keyword == "WORKDIR":
                check(f"line {ins.line}: WORKDIR is absolute", ins.args.startswith("/"))
        seen.append(st.name)
    with open(os.path.join(source, "configs/server.yaml")) as f:
        cfg = yaml.safe_load(f)
    ports = {int(cfg["listen"].rsplit(":", 1)[1]), int(cfg["metrics_listen"].rsplit(":", 1)[1])}
    for name in ("runtime", "runtime-cuda"):
        st = dockerfile.stage(stages, name)
        exposed = {int(p) for i in st.of("EXPOSE") for p in i.args.split()}
        check(f"{name} EXPOSEs the ports of configs/server.yaml", exposed == ports, str(exposed))
        cmd = st.of("CMD")[-1].words() if st.of("CMD") else []
        check(f"{name} CMD names the config it copies", cmd == ["--config", "/etc/bioner/server.yaml"])


def main():
    _, stages = dockerfile.read(os.path.join(source, "Dockerfile"))
    structure(stages)
    runtime_packages(stages)
    lint(stages)
    # The linter and these checks bite: a broken Dockerfile must be refused.
    bad = os.path.join(build, "deploy-check-bad.Dockerfile")
    with open(bad, "w") as f:
        f.write("FROM debian:bookworm\nUSER\n")
    r = subprocess.run([os.path.join(tools, "node_modules/.bin/dockerfile-utils"), "lint", bad],
                       capture_output=True, text=True)
    check("dockerfile-utils refuses a broken Dockerfile", r.returncode != 0 or r.stdout.strip())
    os.remove(bad)
    probe = "FROM debian:bookworm-slim AS runtime\nRUN apt-get install -y --no-install-recommends libfoo-dev x && y\n"
    check("apt package parsing", dockerfile.apt_packages(dockerfile.parse(probe)[1][0].instructions[0].args)
          == ["libfoo-dev", "x"])


try:
    main()
except Exception as e:  # a set-up failure is a failure
    import traceback
    traceback.print_exc()
    check("set-up", False, repr(e))
check.finish()
