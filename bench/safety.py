"""Time and peak memory of `clientcheck check` refusing each hostile file of tests/test_safety.py.

    python bench/safety.py

Each case runs in a fresh process (as a user would run it); the figures are that process's
wall time and its own peak RSS (VmHWM). Targets: under 1 s and under 100 MB each. Say
whether the machine was loaded when quoting them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import SMALL_QUESTIONS, SMALL_RULES  # noqa: E402
from tests.test_safety import CASES, run_check  # noqa: E402


def main() -> int:
    print(f"{'case':32} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
    worst_s, worst_mb = 0.0, 0.0
    rows = [("baseline: bundled catalog", None, None)] + [(name, *CASES[name][:2]) for name in CASES]
    for name, which, text in rows:
        with tempfile.TemporaryDirectory() as tmp:
            here = Path(tmp)
            (here / "questions").mkdir()
            if which is None:
                rules, questions = ROOT / "rules.yaml", ROOT / "questions"
            else:
                rules, questions = here / "rules.yaml", here / "questions"
                rules.write_text(text if which == "rules" else SMALL_RULES, encoding="utf-8")
                (questions / "10-x.yaml").write_text(
                    text if which == "questions" else SMALL_QUESTIONS, encoding="utf-8"
                )
            code, _, seconds, peak_kb = run_check(rules, questions, here)
        mb = peak_kb / 1024
        worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, mb)
        print(f"{name:32} {code:>4} {seconds:>8.2f} {mb:>8.1f}")
    print(f"{'worst':32} {'':>4} {worst_s:>8.2f} {worst_mb:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
