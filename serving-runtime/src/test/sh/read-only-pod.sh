#!/bin/sh
# Inside a private mount namespace: a read-only view of / with only /tmp writable (tmpfs), run as nobody.
set -e
mkdir -p /mnt/ro
mount --bind / /mnt/ro
mount -o remount,bind,ro /mnt/ro
mount -t tmpfs -o size=128m,mode=1777 tmpfs /mnt/ro/tmp
mount --bind /proc /mnt/ro/proc 2>/dev/null || true
mount --bind /dev /mnt/ro/dev 2>/dev/null || true
exec chroot /mnt/ro setpriv --reuid=65534 --regid=65534 --clear-groups env -i HOME=/nonexistent PATH=/usr/bin:/bin \
  MODEL_URI=/work/wt-onnx/serving-runtime/target/ro-test/iris-onnx-1.0.0.tar.gz PORT=18431 HOST=127.0.0.1 \
  sh -c 'touch /work/probe 2>/dev/null && echo "root fs WRITABLE" || echo "root fs read-only (touch /work/probe refused)"; id; \
  /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar /work/wt-onnx/serving-runtime/target/serving-runtime.jar serve & \
  pid=$!; for i in $(seq 1 60); do sleep 0.5; if wget -q -O - http://127.0.0.1:18431/ready 2>/dev/null; then break; fi; done; echo; \
  ls -la /tmp /tmp/* 2>&1 | head -20; \
  wget -q -O - --header "Content-Type: application/json" --post-data "{\"features\":[6.7,3.0,5.2,2.3]}" http://127.0.0.1:18431/predict; echo; \
  kill $pid; wait $pid 2>/dev/null; echo "exit"'
