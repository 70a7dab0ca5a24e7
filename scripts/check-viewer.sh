#!/usr/bin/env bash
# check-viewer.sh - report.html's per-prompt viewer in a real browser.
#
# Runs the report module's ViewerBrowserTest alone: it writes reports with the real ReportWriter from
# hostile fixtures (script tags, quotes, control characters, lone surrogates in ids, outputs and
# messages), opens each in headless Chromium with #selftest, and reads back the lines the page's own
# script wrote (rows, every status and reason filter, a search, a sort both ways, a click on every
# row, the details panel, the assertions table, no element made from data). The lines are printed.
#
# Unlike the test, which skips when no browser is installed (mvn verify must not need one), this
# script fails when it finds none.
#
# Usage: scripts/check-viewer.sh [--out DIR]
#   --out DIR   keep the generated report folders under DIR (one viewer-* folder per report)
# Env: CHROMIUM (the browser binary; default: the first of chromium, chromium-browser,
#      chromium-headless-shell, google-chrome on PATH or in /usr/bin), MVN (default: mvn).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "check-viewer.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -z "${CHROMIUM:-}" ]]; then
  for candidate in chromium chromium-browser chromium-headless-shell google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then CHROMIUM="$(command -v "$candidate")"; break; fi
  done
fi
if [[ -z "${CHROMIUM:-}" || ! -x "$CHROMIUM" ]]; then
  echo "check-viewer.sh: no Chromium found; on Debian: apt-get install -y chromium (or set CHROMIUM)" >&2
  exit 1
fi
export CHROMIUM
echo "Browser: $("$CHROMIUM" --version 2>/dev/null | head -1)" >&2

log="$repo/report/target/viewer-selftest.txt"
rm -f "$log"
cd "$repo"
"${MVN:-mvn}" -B -q -pl report -am test -Dtest=ViewerBrowserTest -Dsurefire.failIfNoSpecifiedTests=false \
  ${out:+-Dviewer.out="$out"} || { [[ -f "$log" ]] && cat "$log"; exit 1; }

if [[ ! -s "$log" ]]; then
  echo "check-viewer.sh: the test wrote no self-test lines to $log (was it skipped?)" >&2
  exit 1
fi
cat "$log"
if grep -q '^not ok' "$log"; then exit 1; fi
[[ -n "$out" ]] && echo "Reports kept under $out" >&2
exit 0
