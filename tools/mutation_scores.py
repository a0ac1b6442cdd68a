"""Print the mutation score of each mutated module from mutmut's results (`make mutation`).

Score = killed / (killed + survived + no tests + suspicious), as a percentage; a timeout counts
as killed (the mutant broke the code), a skipped or not yet checked mutant is left out.
"""

import re
import subprocess
import sys
from collections import Counter, defaultdict

KILLED = {"killed", "timeout"}
NOT_KILLED = {"survived", "no tests", "suspicious"}


def main() -> int:
    output = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in output.splitlines():
        match = re.match(r"\s*(?P<module>[\w.]+?)\.x[_ǁ].*: (?P<status>.+)$", line)
        if match:
            by_module[match["module"]][match["status"].strip()] += 1
    print("| module | mutants | killed | survived | score |")
    print("|---|---:|---:|---:|---:|")
    for module, counts in sorted(by_module.items()):
        killed = sum(counts[status] for status in KILLED)
        not_killed = sum(counts[status] for status in NOT_KILLED)
        tested = killed + not_killed
        if not tested:
            continue
        print(f"| `{module}` | {tested} | {killed} | {not_killed} | {100 * killed / tested:.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
