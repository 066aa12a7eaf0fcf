#!/usr/bin/env bash
# Writes the pull-request comment to stdout: the ovfkit plan of every OvfImport of the Pulumi
# program (from `pulumi preview --json`, where each OvfImport's checked inputs carry its plan)
# and of the CDKTF stack (cdktf.out/ovfkit-plans.json, which the stack writes before it
# synthesizes), rendered by `ovfkit show`, and, when the appliance changed, `ovfkit diff` of the
# base branch's version against the new one.
# Exits with the worst code: 0 every plan ready, 1 a plan cannot import, 2 a document unreadable
# or holding no plan; the comment is written first either way, so the job can post it and fail.
# Usage: preview-comment.sh [--pulumi PREVIEW.json] [--cdktf PLANS.json] [--diff OLD NEW]   (ovfkit on PATH)
set -uo pipefail
worst=0
keep() { [ "$1" -gt "$worst" ] && worst=$1; return 0; }
first=1
section() { [ $first = 1 ] || echo; first=0; echo "## $1"; echo; }
# The plans in a document; one that cannot be read is said in the comment, its error in the job log.
show() {
  ovfkit show "$1"; local code=$?
  [ "$code" -le 1 ] || echo "No plan could be read from \`$(basename "$1")\` (ovfkit show: exit $code): see the job log."
  keep "$code"
}

while [ $# -gt 0 ]; do
  case $1 in
    --pulumi)
      section 'Pulumi program (`pulumi preview`)'
      show "$2"; shift 2 ;;
    --cdktf)
      section 'CDKTF stack (`cdktf synth`)'
      show "$2"; shift 2 ;;
    --diff)
      section 'Changes to the appliance from the base branch'
      ovfkit diff "$2" "$3" --format markdown; code=$?
      # diff: 0 no change, 1 changed (both fine), 2 a problem.
      [ "$code" -le 1 ] || keep "$code"; shift 3 ;;
    *) echo "preview-comment.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
exit "$worst"
