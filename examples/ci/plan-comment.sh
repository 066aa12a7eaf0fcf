#!/usr/bin/env bash
# Writes the pull-request comment for an appliance change to stdout: the plan of the new version
# (ovfkit plan --format markdown) and, when the old version is given, what changed (ovfkit diff).
# Exits with the plan's exit code (0 ready, 1 cannot import, 2 usage/input problem), after
# writing the comment, so the job can post it and then fail.
# Usage: plan-comment.sh NEW.ova [OLD.ova] [plan options…]   (ovfkit on PATH)
set -uo pipefail
new=$1; shift
old=
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then old=$1; shift; fi

echo '## ovfkit plan'
echo
ovfkit plan "$new" --format markdown "$@"
plan=$?
if [ -n "$old" ]; then
  echo
  echo '## Changes from the base branch'
  echo
  ovfkit diff "$old" "$new" --format markdown "$@"
  diff=$?
  [ "$diff" -le 1 ] || exit "$diff"
fi
exit "$plan"
