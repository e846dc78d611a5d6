#!/usr/bin/env bash
# Installs the Debian 12 packages that bioner's build, tests and demo need, and only those
# that are missing. Idempotent: a machine that has them all is left untouched (no apt-get
# update, no root needed). Non-interactive.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libtorch-dev libopenblas-dev libopenblas0-pthread
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libyaml-cpp-dev prometheus-cpp-dev nlohmann-json3-dev libicu-dev zlib1g-dev libssl-dev
  libpugixml-dev libarchive-dev libcurl4-openssl-dev libfasttext-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-torch python3-grpcio python3-grpc-tools python3-numpy
)
# The deploy checks (tests/deploy, docs/DEPLOY.md): Prometheus + promtool, debootstrap, YAML
# for the Python checkers, npm for the schema validator and Dockerfile linter (installed
# into build/tools by scripts/install-deploy-tools.sh). BIONER_DEPLOY_TOOLS=0 (the
# Dockerfile's build stage) leaves them out. kubectl is not here: Debian 12's
# kubernetes-client (1.20) has a Kustomize too old for deploy/ (>= v4 needed).
if [[ "${BIONER_DEPLOY_TOOLS:-1}" != 0 ]]; then
  PACKAGES+=(prometheus debootstrap python3-yaml)
  command -v npm >/dev/null || PACKAGES+=(npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  [[ "${BIONER_DEPLOY_TOOLS:-1}" == 0 ]] || "$(dirname "$0")/install-deploy-tools.sh"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
[[ "${BIONER_DEPLOY_TOOLS:-1}" == 0 ]] || "$(dirname "$0")/install-deploy-tools.sh"
