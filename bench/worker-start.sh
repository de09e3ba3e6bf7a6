#!/usr/bin/env bash
# The demo's worker JVMs' first answers, old and new command-line jars side by side, alternating.
#
# Usage: bench/worker-start.sh OLD_JAR NEW_JAR [n [rounds]]
#   OLD_JAR, NEW_JAR  command-line jars (cli/target/background.jar of two builds); the
#                     background-worker-lib directory next to a jar, if any, is its workers' class path
#   n                 workers per pool (default 1); rounds: pools per side and per state (default 3)
# For each jar: "cold" rounds with an empty class data cache (XDG_CACHE_HOME points at a fresh
# directory), then, for a jar that makes an archive, "warm" rounds once it exists. Prints each
# round's wall time to the last first answer and the CPU each worker had used when it answered.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
old=$(realpath "$1") new=$(realpath "$2") n=${3:-1} rounds=${4:-3}
JAVA_HOME=$("$root/bin/find-jdk") || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$root/cli/bin/jvm-flags"

# The harness goes into each side's worker class path, since its lambda runs in the workers.
"$JAVA_HOME/bin/javac" -d "$work/classes" -cp "$new" "$root/bench/worker-start/WorkerStart.java"
"$JAVA_HOME/bin/jar" cf "$work/harness.jar" -C "$work/classes" .
for side in old new; do
  jar=${!side}
  mkdir -p "$work/$side"
  cp "$jar" "$work/$side/background.jar"
  if [ -d "$(dirname "$jar")/background-worker-lib" ]; then
    cp -r "$(dirname "$jar")/background-worker-lib" "$work/$side/"
    cp "$work/harness.jar" "$work/$side/background-worker-lib/"
  fi
done

run() { # side state
  local cache="$work/cache-$1" wait=()
  [ "$2" = cold ] && rm -rf "$cache"
  # Only a side with a worker class path of jars makes an archive: wait for it after a cold round.
  [ -d "$work/$1/background-worker-lib" ] && wait=("$cache")
  echo "--- $1 ($2), load $(cut -d' ' -f1 /proc/loadavg)"
  XDG_CACHE_HOME="$cache" "$JAVA_HOME/bin/java" "${jvm_flags[@]}" -Dslf4j.internal.verbosity=ERROR \
    -cp "$work/$1/background.jar:$work/harness.jar" WorkerStart "$n" 1 "${wait[@]}"
}
for ((r = 0; r < rounds; r++)); do run old cold; run new cold; done
for ((r = 0; r < rounds; r++)); do run old warm; run new warm; done
