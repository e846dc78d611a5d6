#!/usr/bin/env python3
"""Runs the Dockerfile's stages in clean Debian roots made with debootstrap, as the Docker
builder would run them in the image (no Docker engine runs here).

  deploy/check/debian_root.py WORK_DIR [--stages build,runtime] [--jobs N] [--context DIR]
                              [--skip-missing models/] [--reuse build]

For each stage: `debootstrap --variant=minbase` of the stage's Debian release into
WORK_DIR/<stage> (the Docker images debian:bookworm and debian:bookworm-slim are minbase
systems too), then every instruction of that stage read from the Dockerfile itself: ENV and
ARG set the environment, WORKDIR the directory, COPY copies from the build context (the
work tree less .dockerignore) or from an earlier stage's root (--from), RUN runs
`/bin/sh -c` in a chroot, USER sets the user of what follows. The runtime stage then runs
each program's --help as that user: it proves that the runtime packages carry every library.
Exit 0 when every stage ran. Slow (a full build): a manual check, timed in docs/DEPLOY.md;
the CTest test (dockerfile_check.py) is the fast structural check.
Needs root (debootstrap, chroot, mount).
"""
import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockerfile  # noqa: E402

# The build context; --context replaces it (e.g. a `git archive` of a commit).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def dockerignore_patterns():
    path = os.path.join(ROOT, ".dockerignore")
    pats = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            pats.append(line.lstrip("/"))
    return pats


def ignored(rel, patterns):
    for p in patterns:
        q = p[3:] if p.startswith("**/") else p
        if fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(os.path.basename(rel), q) \
                or fnmatch.fnmatch(rel.split("/")[0], p):
            return True
    return False


def copy_context(src_rel, dest, patterns):
    """COPY from the build context: src relative to the repository root."""
    src = os.path.join(ROOT, src_rel)
    if not os.path.exists(src):
        raise FileNotFoundError(f"COPY {src_rel}: not in the build context")
    if os.path.isfile(src):
        target = os.path.join(dest, os.path.basename(src)) if dest.endswith("/") or os.path.isdir(dest) else dest
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(src, target)
        return
    for d, dirs, files in os.walk(src):
        rel_d = os.path.relpath(d, ROOT)
        dirs[:] = [x for x in dirs if not ignored(os.path.normpath(os.path.join(rel_d, x)), patterns)]
        for f in files:
            rel = os.path.normpath(os.path.join(rel_d, f))
            if ignored(rel, patterns):
                continue
            target = os.path.join(dest, os.path.relpath(os.path.join(d, f), src))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(d, f), target, follow_symlinks=False)


def release_of(base):
    # debian:bookworm, debian:bookworm-slim -> bookworm
    image, _, tag = base.partition(":")
    if image != "debian":
        raise ValueError(f"stage base {base!r} is not a Debian image")
    return tag.replace("-slim", "")


class Chroot:
    def __init__(self, path):
        self.path = path
        self.mounts = []

    def __enter__(self):
        for fs, where, opts in (("proc", "proc", ["-t", "proc"]), ("/dev", "dev", ["--bind"]),
                                ("sysfs", "sys", ["-t", "sysfs"])):
            target = os.path.join(self.path, where)
            os.makedirs(target, exist_ok=True)
            subprocess.run(["mount", *opts, fs, target], check=True)
            self.mounts.append(target)
        shutil.copy("/etc/resolv.conf", os.path.join(self.path, "etc/resolv.conf"))
        return self

    def __exit__(self, *exc):
        for target in reversed(self.mounts):
            subprocess.run(["umount", "-l", target], check=False)

    def run(self, command, env, workdir, user=None):
        spec = ["--userspec", user] if user else []
        envs = [f"{k}={v}" for k, v in env.items()]
        argv = ["chroot", *spec, self.path, "/usr/bin/env", "-i", *envs, "/bin/sh", "-c",
                f'cd "{workdir}" && {command}']
        return subprocess.run(argv).returncode


def run_stage(stage, work, roots, jobs, patterns, skip_missing):
    root = os.path.join(work, stage.name)
    if os.path.exists(root):
        shutil.rmtree(root)
    t0 = time.time()
    log(f"stage {stage.name}: debootstrap {release_of(stage.base)} into {root}")
    subprocess.run(["debootstrap", "--variant=minbase", release_of(stage.base), root], check=True,
                   stdout=subprocess.DEVNULL)
    log(f"stage {stage.name}: debootstrap took {time.time() - t0:.0f} s")
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
    workdir, user = "/", None
    with Chroot(root) as ch:
        for ins in stage.instructions:
            t = time.time()
            if ins.keyword in ("ENV", "ARG"):
                k, _, v = ins.args.partition("=")
                if v or ins.keyword == "ENV":
                    env[k.strip()] = v.strip().strip('"')
            elif ins.keyword == "WORKDIR":
                workdir = ins.args
                os.makedirs(root + workdir, exist_ok=True)
            elif ins.keyword == "USER":
                user = ins.args
            elif ins.keyword == "COPY":
                flags, sources, dest = ins.copy_parts()
                target = os.path.join(root, os.path.join(workdir, dest).lstrip("/"))
                if dest.endswith("/"):
                    target += "/"
                for src in sources:
                    if "from" in flags:
                        frm = os.path.join(roots[flags["from"]], src.lstrip("/"))
                        os.makedirs(target if target.endswith("/") else os.path.dirname(target), exist_ok=True)
                        if os.path.isdir(frm):
                            shutil.copytree(frm, target, dirs_exist_ok=True, symlinks=True)
                        else:
                            shutil.copy2(frm, target)
                    elif src.rstrip("/") in skip_missing and not os.path.exists(os.path.join(ROOT, src)):
                        log(f"stage {stage.name}: line {ins.line} COPY {src}: SKIPPED, not in the tree")
                    else:
                        copy_context(src, target, patterns)
                log(f"stage {stage.name}: line {ins.line} COPY {' '.join(sources)} -> {dest}")
            elif ins.keyword == "RUN":
                command = ins.args.replace('JOBS="$(nproc)"', f"JOBS={jobs}")
                log(f"stage {stage.name}: line {ins.line} RUN {command[:100]}")
                rc = ch.run(command, env, workdir, user)
                log(f"stage {stage.name}: line {ins.line} exit {rc} after {time.time() - t:.0f} s")
                if rc != 0:
                    return False, root
        if stage.of("ENTRYPOINT"):
            for prog in ("bioner-server", "bioner-client", "bioner-trainer"):
                # 127: the loader could not start it (a missing library).
                rc = ch.run(f"/usr/local/bin/{prog} --help >/dev/null 2>&1; [ $? -ne 127 ] && "
                            f"! ldd /usr/local/bin/{prog} | grep 'not found'", env, workdir, user)
                log(f"stage {stage.name}: {prog} as {user}: {'ok' if rc == 0 else 'FAILED'}")
                if rc != 0:
                    return False, root
    log(f"stage {stage.name}: done in {time.time() - t0:.0f} s")
    return True, root


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work")
    ap.add_argument("--stages", default="build,runtime")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-missing", default="", help="comma-separated COPY sources that may be absent (logged)")
    ap.add_argument("--context", help="the build context (default: this work tree)")
    ap.add_argument("--reuse", default="", help="comma-separated stages whose root in WORK_DIR is kept from a former run")
    a = ap.parse_args()
    global ROOT
    if a.context:
        ROOT = os.path.abspath(a.context)
    _, stages = dockerfile.read(os.path.join(ROOT, "Dockerfile"))
    patterns = dockerignore_patterns()
    roots = {}
    for name in filter(None, a.reuse.split(",")):
        roots[name] = os.path.join(os.path.abspath(a.work), name)
        log(f"stage {name}: reusing {roots[name]}")
    for name in a.stages.split(","):
        ok, roots[name] = run_stage(dockerfile.stage(stages, name), os.path.abspath(a.work), roots,
                                    a.jobs, patterns, {x.rstrip("/") for x in a.skip_missing.split(",") if x})
        if not ok:
            log(f"stage {name} FAILED")
            return 1
    log("all stages ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
