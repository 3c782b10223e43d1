#!/usr/bin/env bash
# No script of ours stops, disables or kills a process or service it did not start: no pkill/killall by
# name, no systemctl stop/disable/kill/mask, no service ... stop. Scripts stop what they started by PID.
# (scripts/install-deps.sh used to disable and kill the user's own nginx.)
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
pattern='(^|[^[:alnum:]_-])(pkill|killall)([^[:alnum:]_-]|$)|systemctl[[:space:]].*(stop|disable|kill|mask|--now)|(^|[^[:alnum:]_-])service[[:space:]]+[[:alnum:]_.-]+[[:space:]]+stop'
found=0
while IFS= read -r -d '' file; do
  # Comments may name what is forbidden; code may not.
  if grep -nE "$pattern" "$file" | grep -vE '^[0-9]+:[[:space:]]*#' >&2; then
    echo "no_kill_by_name: $file stops something it did not start (above); stop by PID instead" >&2
    found=1
  fi
done < <(find "$root/scripts" "$root/bench" "$root/.ci" -type f \( -name '*.sh' -o -name '*.py' -o -name run \) -print0)
exit $found
