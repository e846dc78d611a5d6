#!/usr/bin/python3
"""Start-up time and load size of programs, measured side by side.

Usage: bench/startup.py [--runs N] NAME=COMMAND [NAME=COMMAND ...]

Each COMMAND (a program and its arguments, e.g. "build/client/bioner-client --help") is run
N times (default 21), the commands taking turns so that machine load falls on all of them
alike; prints the median wall time of each, the shared libraries the program loads (ldd)
and their total size on disk. An environment assignment may precede the program
("LD_LIBRARY_PATH=/old/lib /old/bioner-client --help").
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def parse(spec):
    name, _, command = spec.partition("=")
    words = shlex.split(command)
    env = dict(os.environ)
    while words and "=" in words[0] and not words[0].startswith(("/", ".")):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    return name, words, env


def libraries(program, env):
    out = subprocess.run(["ldd", program], capture_output=True, text=True, env=env).stdout
    paths = {line.split("=>")[1].split("(")[0].strip() for line in out.splitlines() if "=> /" in line}
    return len(paths), sum(os.path.getsize(os.path.realpath(p)) for p in paths)


def main(argv):
    runs = 21
    if len(argv) > 1 and argv[0] == "--runs":
        runs, argv = int(argv[1]), argv[2:]
    if not argv:
        sys.exit(__doc__)
    commands = [parse(a) for a in argv]
    times = {name: [] for name, _, _ in commands}
    for _ in range(runs):
        for name, words, env in commands:
            start = time.perf_counter()
            subprocess.run(words, capture_output=True, env=env)
            times[name].append(time.perf_counter() - start)
    for name, words, env in commands:
        count, size = libraries(words[0], env)
        print(f"{name}: median {statistics.median(times[name]):.3f} s over {runs} runs; "
              f"{count} shared libraries, {size / 1e6:.1f} MB; program {os.path.getsize(words[0]) / 1e3:.0f} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
