#!/bin/sh
# Runs `serve` the way the operator's pod runs it, as far as one machine allows: in a private mount
# namespace where / is read-only and only /tmp is writable (a tmpfs, like the pod's emptyDir), as
# user nobody, then asks /ready and /predict. Needs root (unshare, mount, chroot); manual, not CI.
#
#   sudo serving-runtime/src/test/sh/read-only-pod.sh PACKAGE '{"features":[…]}' [JAVA]
#
# PACKAGE and the jar must be readable by nobody outside /tmp (the tmpfs hides the real /tmp).
set -e
if [ "${1:-}" != "--inside" ]; then
  [ $# -ge 2 ] || { echo "usage: $0 PACKAGE BODY [JAVA]" >&2; exit 2; }
  ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
  exec unshare --mount --propagation private "$0" --inside "$(readlink -f "$1")" "$2" \
    "${3:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}" "$ROOT/target/serving-runtime.jar"
fi
PACKAGE=$2 BODY=$3 JAVA=$4 JAR=$5
mkdir -p /mnt/ro
mount --bind / /mnt/ro
mount -o remount,bind,ro /mnt/ro
mount -t tmpfs -o size=128m,mode=1777 tmpfs /mnt/ro/tmp
mount --bind /proc /mnt/ro/proc
mount --bind /dev /mnt/ro/dev
exec chroot /mnt/ro setpriv --reuid=65534 --regid=65534 --clear-groups env -i HOME=/nonexistent \
  PATH=/usr/bin:/bin MODEL_URI="$PACKAGE" PORT=18431 HOST=127.0.0.1 JAVA="$JAVA" JAR="$JAR" BODY="$BODY" sh -c '
  touch /probe 2>/dev/null && echo "root filesystem is WRITABLE" || echo "root filesystem is read-only"
  id
  "$JAVA" -jar "$JAR" serve & pid=$!
  for i in $(seq 1 120); do sleep 0.5; wget -q -O - http://127.0.0.1:18431/ready 2>/dev/null && break; done; echo
  wget -q -O - --header "Content-Type: application/json" --post-data "$BODY" http://127.0.0.1:18431/predict; echo
  echo "written under /tmp:"; ls /tmp
  kill $pid; wait $pid 2>/dev/null || true'
