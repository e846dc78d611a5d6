#!/usr/bin/env bash
# make test: runs the CTest suite of a build folder and ends with one summary line,
#   tests: N passed, N failed, N skipped
# after naming every skipped test with its reason. A test skips only when it needs something
# this machine lacks: the shared data folder with the real corpora (README, "Test data") or a
# tool Debian 12 does not ship (kubectl for the deploy checks).
#
#   scripts/run-tests.sh BUILD_DIR [ctest arguments...]
# Environment:
#   BIONER_SHARED_DIR       the shared data folder the tests read (default: ../shared beside
#                           the checkout, as configured at build time)
#   BIONER_REQUIRE_SHARED=1 fail if any test skipped for lack of shared data (CI's second run)
set -uo pipefail
BUILD=$(cd "${1:-build}" && pwd)
shift || true
JUNIT="$BUILD/Testing/junit.xml"
rm -f "$JUNIT"
(cd "$BUILD" && ctest --output-on-failure -j "$(nproc)" --output-junit "$JUNIT" "$@")
rc=$?
[[ -f "$JUNIT" ]] || { echo "run-tests: ctest wrote no $JUNIT"; exit 1; }
python3 - "$JUNIT" "$rc" "${BIONER_REQUIRE_SHARED:-0}" <<'PY'
import sys
import xml.etree.ElementTree as ET

junit, rc, require_shared = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
passed = failed = 0
skipped = []
for case in ET.parse(junit).getroot().iter("testcase"):
    name = case.get("name")
    if case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
        out = case.findtext("system-out") or ""
        # The reason a GTEST_SKIP or a checker printed, e.g. "shared data absent: <path>".
        reason = next((l.strip() for l in out.splitlines()
                       if "shared data absent" in l or l.startswith("SKIPPED")), "")
        if not reason:
            reason = next((l.strip() for l in out.splitlines() if "Skipped" in l), "skipped")
        skipped.append((name, reason))
    elif case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    else:
        passed += 1
if skipped:
    print(f"\nSkipped ({len(skipped)}): they need what this machine lacks (README, 'Test data'):")
    for name, reason in skipped:
        print(f"  {name}: {reason}")
data_skips = [n for n, r in skipped if "shared data absent" in r]
status = 0 if rc == 0 and failed == 0 else 1
if require_shared and data_skips:
    print(f"run-tests: BIONER_REQUIRE_SHARED=1 but {len(data_skips)} tests skipped for lack of "
          "shared data: is BIONER_SHARED_DIR right?")
    status = 1
print(f"tests: {passed} passed, {failed} failed, {len(skipped)} skipped")
sys.exit(status)
PY
