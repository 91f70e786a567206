#!/usr/bin/env bash
# Offline stand-ins for the two public base images the Containerfiles start FROM, for machines
# that cannot pull from a registry (this project's CI and development boxes). They are NOT what
# users ship: a user's build pulls the real images (see images/README.md).
#
#   images/standins.sh            # makes both if missing, prints their names
#   images/standins.sh --rebuild  # makes them again
#
#   localhost/modelship-standin/base:bookworm  stands in for gcr.io/distroless/cc-debian12:nonroot
#       Debian bookworm with libc6, libstdc++6, zlib1g, a CA bundle, tzdata and the nonroot
#       user 65532 — what distroless cc has — and, like it, no shell.
#   localhost/modelship-standin/jdk:25         stands in for eclipse-temurin:25-jdk
#       Debian bookworm (minbase: a shell and coreutils, for the build stages' RUN) with this
#       machine's JDK 25 at /opt/java/openjdk, where the Temurin image has it.
#
# Needs: mmdebstrap and access to a Debian mirror (MIRROR, default http://deb.debian.org/debian),
# podman, root (or a rootless podman with subuids), a JDK 25 (JDK25_HOME, default the Temurin
# package's /usr/lib/jvm/temurin-25-jdk-amd64 or any /usr/lib/jvm/*25*).
set -euo pipefail

BASE=localhost/modelship-standin/base:bookworm
JDK=localhost/modelship-standin/jdk:25
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PODMAN=(podman ${PODMAN_OPTS:-})

die() { echo "standins: $*" >&2; exit 1; }

rebuild=false
[[ ${1:-} == --rebuild ]] && rebuild=true

command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (Debian: apt-get install -y mmdebstrap)"
command -v podman >/dev/null || die "podman is missing (Debian: apt-get install -y podman)"

have() { "${PODMAN[@]}" image exists "$1"; }

if [[ -z ${JDK25_HOME:-} ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    if [[ -x $candidate/bin/jlink ]]; then JDK25_HOME=$candidate; break; fi
  done
fi

# The distroless image's /etc/passwd and /etc/group: root, nobody and nonroot (65532).
accounts_hook='
  printf "%s\n" "root:x:0:0:root:/root:/sbin/nologin" "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin" \
    "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin" > "$1/etc/passwd"
  printf "%s\n" "root:x:0:" "nobody:x:65534:" "tty:x:5:" "staff:x:50:" "nonroot:x:65532:" > "$1/etc/group"
  mkdir -p "$1/home/nonroot" && chown 65532:65532 "$1/home/nonroot" && chmod 700 "$1/home/nonroot"
  chmod 1777 "$1/tmp"'

if $rebuild || ! have "$BASE"; then
  echo "standins: making $BASE from $MIRROR (mmdebstrap, about 30 s)" >&2
  # --variant extract: the packages named (and what they depend on) unpacked, no maintainer script
  # run, so no shell, apt or dpkg is needed in or left in the image. The hooks write the accounts,
  # copy this machine's CA bundle (where ca-certificates would put it, without its perl and openssl;
  # Java reads its own cacerts anyway), write the nsswitch.conf and ld.so.cache distroless has (without
  # the first, glibc asks DNS before /etc/hosts: 60 ms a request here) and drop docs and locales.
  mmdebstrap --variant=extract --format=tar --quiet \
    --include=libc6,libstdc++6,libgcc-s1,zlib1g,tzdata,base-files,netbase \
    --extract-hook='mkdir -p "$1/tmp" "$1/etc/ssl/certs"' \
    --extract-hook="$accounts_hook" \
    --extract-hook='cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"' \
    --extract-hook='printf "%s\n" "passwd: files" "group: files" "shadow: files" "hosts: files dns" "networks: files" \
      "protocols: files" "services: files" "ethers: files" "rpc: files" > "$1/etc/nsswitch.conf"' \
    --extract-hook='ldconfig -r "$1"' \
    --extract-hook='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/locale/* "$1"/usr/share/lintian "$1"/var/cache/*' \
    bookworm - "$MIRROR" \
    | "${PODMAN[@]}" import --change 'USER 65532:65532' --change 'WORKDIR /home/nonroot' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        --message 'modelship stand-in for gcr.io/distroless/cc-debian12:nonroot (not for shipping)' - "$BASE" >/dev/null
fi

if $rebuild || ! have "$JDK"; then
  [[ -n ${JDK25_HOME:-} && -x $JDK25_HOME/bin/jlink ]] \
    || die "no JDK 25 with jlink found; set JDK25_HOME (Debian: the temurin-25-jdk package)"
  echo "standins: making $JDK from $MIRROR and $JDK25_HOME (mmdebstrap, about 30 s)" >&2
  # minbase: Essential packages only (a shell, coreutils, tar) — the build stages run jdeps, jlink
  # and the AOT training run in it. The JDK is copied to where the Temurin image has it.
  mmdebstrap --variant=minbase --format=tar --quiet \
    --include=ca-certificates,libstdc++6,zlib1g,binutils \
    --customize-hook="mkdir -p \"\$1/opt/java\" && cp -rL '$JDK25_HOME' \"\$1/opt/java/openjdk\"" \
    --customize-hook='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/locale/* "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm - "$MIRROR" \
    | "${PODMAN[@]}" import --change 'ENV JAVA_HOME=/opt/java/openjdk' \
        --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --message 'modelship stand-in for eclipse-temurin:25-jdk (not for shipping)' - "$JDK" >/dev/null
fi

echo "$BASE"
echo "$JDK"
