"""The reporting the deploy checkers share: one '[ OK ]' / '[FAIL]' line per check, then the
closing line 'N passed, N failed' that CI reads, and exit status 1 on any failure."""
import sys


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"[ OK ] {name}", flush=True)
        else:
            self.failed += 1
            print(f"[FAIL] {name} {detail}", flush=True)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
