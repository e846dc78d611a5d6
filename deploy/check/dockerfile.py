"""A small Dockerfile reader for the deploy checks (no Docker engine runs here).

Parses the Dockerfile into stages of instructions the way the Docker builder does for the
subset this project uses: line continuations, comments, global ARGs substituted into FROM,
`FROM image AS name`, JSON (exec) and shell forms. `Dockerfile` and the checks read the
same file, so a change to one is seen by the other.
"""
import json
import re
import shlex
from dataclasses import dataclass, field


@dataclass
class Instruction:
    keyword: str  # upper case: RUN, COPY, ...
    args: str  # the raw arguments, continuations joined
    line: int  # 1-based line of the keyword

    def words(self):
        """Exec form as a list, or the shell words of the shell form."""
        text = self.args.strip()
        if text.startswith("["):
            return json.loads(text)
        return shlex.split(text)

    def copy_parts(self):
        """For COPY/ADD: (flags dict, sources, destination)."""
        words = self.words()
        flags = {}
        while words and words[0].startswith("--"):
            key, _, value = words.pop(0)[2:].partition("=")
            flags[key] = value
        return flags, words[:-1], words[-1]


@dataclass
class Stage:
    base: str  # the image after ARG substitution
    name: str
    line: int
    instructions: list = field(default_factory=list)

    def of(self, keyword):
        return [i for i in self.instructions if i.keyword == keyword]


def _logical_lines(text):
    """(line number, text) of each instruction, continuations joined, comments dropped."""
    out, buf, start = [], "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not buf:
            start = n
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        out.append((start, buf))
        buf = ""
    if buf:
        out.append((start, buf))
    return out


def _substitute(text, variables):
    def repl(m):
        name = m.group(1) or m.group(2)
        return variables.get(name, "")

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", repl, text)


def parse(text):
    """Returns (global ARG defaults, [Stage]). Raises ValueError on malformed input."""
    global_args, stages = {}, []
    for line, logical in _logical_lines(text):
        keyword, _, args = logical.partition(" ")
        keyword = keyword.upper()
        if keyword == "ARG" and not stages:
            name, _, default = args.strip().partition("=")
            global_args[name] = default
            continue
        if keyword == "FROM":
            words = args.split()
            base = _substitute(words[0], global_args)
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(base=base, name=name, line=line))
            continue
        if not stages:
            raise ValueError(f"line {line}: {keyword} before the first FROM")
        stages[-1].instructions.append(Instruction(keyword, args.strip(), line))
    return global_args, stages


def read(path):
    with open(path, encoding="utf-8") as f:
        return parse(f.read())


def stage(stages, name):
    for s in stages:
        if s.name == name:
            return s
    raise KeyError(f"no stage named {name!r}")


def apt_packages(run_args):
    """The package names of `apt-get install ...` in a RUN command (flags dropped)."""
    packages = []
    for command in re.split(r"&&|;|\|\|", run_args):
        words = command.split()
        if len(words) >= 2 and words[0] == "apt-get" and "install" in words:
            rest = words[words.index("install") + 1:]
            packages += [w for w in rest if not w.startswith("-")]
    return packages
