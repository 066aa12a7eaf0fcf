#!/usr/bin/env bash
# Posts COMMENT.md on the pull request with `gh pr comment` (GH_TOKEN and PR_NUMBER from the
# workflow). GitHub refuses a comment over 65536 characters: a longer one is cut at a line and
# says so. With OVFKIT_COMMENT_DRY_RUN=FILE nothing is posted: the body that would be is
# written to FILE (how the example is tested without GitHub).
# Usage: post-comment.sh COMMENT.md
set -euo pipefail
limit=65000
body=$(mktemp)
trap 'rm -f "$body"' EXIT
if [ "$(wc -c < "$1")" -gt "$limit" ]; then
  head -c "$limit" "$1" | sed '$d' > "$body"
  printf '\n… cut here: the comment was longer than GitHub takes; the whole of it is in the job log.\n' >> "$body"
else
  cat "$1" > "$body"
fi
if [ -n "${OVFKIT_COMMENT_DRY_RUN:-}" ]; then
  cp "$body" "$OVFKIT_COMMENT_DRY_RUN"
  echo "post-comment.sh: dry run, not posted: the comment is in $OVFKIT_COMMENT_DRY_RUN" >&2
  exit 0
fi
gh pr comment "$PR_NUMBER" --body-file "$body"
