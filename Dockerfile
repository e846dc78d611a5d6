# syntax=docker/dockerfile:1
# bioner container images (docs/DEPLOY.md).
#
#   docker build -t bioner:0.1.0 .                                  # CPU: target runtime
#   docker build --target runtime-cuda -t bioner:0.1.0-cuda \
#     --build-arg LIBTORCH_CUDA_ZIP=libtorch-cxx11-abi-shared-with-deps-2.3.1+cu118.zip .
#
# The build stage installs exactly what scripts/install-deps.sh lists and builds with
# `make build`, as on a developer's machine. deploy/check/dockerfile_check.py (CTest
# deploy_dockerfile) checks that it still does and that the runtime stage's packages cover
# `ldd` of the built programs; deploy/check/debian_root.py runs this file's stages in clean
# debootstrap'ed Debian roots (docs/DEPLOY.md, "How the files are checked").

ARG DEBIAN=debian:bookworm
ARG CUDA_RUNTIME=nvidia/cuda:12.4.1-runtime-ubuntu24.04

# ---- build: Debian 12 with the packages of scripts/install-deps.sh ----------------------
FROM ${DEBIAN} AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
# BIONER_DEPLOY_TOOLS=0: not the deploy checkers (prometheus, kubectl, npm tools); the build
# and test packages are the same list as everywhere else.
RUN BIONER_DEPLOY_TOOLS=0 ./scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN BIONER_DEPLOY_TOOLS=0 make build BUILD_DIR=/src/build-image JOBS="$(nproc)" \
      CMAKE_FLAGS="-DBIONER_BUILD_TESTS=OFF -DBIONER_BUILD_BENCH=OFF"

# ---- runtime: the three programs, their shared libraries, default models, example config -
FROM ${DEBIAN}-slim AS runtime
# One line per package; deploy/check/dockerfile_check.py compares this list with `ldd` of the
# programs (each library's package must be here or pulled in by a package here).
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
      ca-certificates \
      libtorch1.13 \
      libopenblas0-pthread \
      libgrpc++1.51 \
      libprotobuf32 \
      libyaml-cpp0.7 \
      libprometheus-cpp-core1.0 \
      libicu72 \
      libpugixml1v5 \
      libarchive13 \
      libcurl4 \
      libssl3 \
      zlib1g \
      libfasttext0 \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 bioner \
 && useradd --system --uid 10001 --gid bioner --home-dir /opt/bioner --shell /usr/sbin/nologin bioner
# The core layers, one shared library each (core/CMakeLists.txt).
COPY --from=build /src/build-image/core/*/libbioner_*.so /usr/local/lib/
RUN ldconfig
COPY --from=build /src/build-image/server/bioner-server /src/build-image/client/bioner-client /src/build-image/trainer/bioner-trainer /usr/local/bin/
COPY models/ /opt/bioner/models/
COPY configs/server.yaml /etc/bioner/server.yaml
WORKDIR /opt/bioner
USER 10001:10001
EXPOSE 50051 9464
# configs/server.yaml serves `models` relative to the working directory: /opt/bioner/models.
ENTRYPOINT ["/usr/local/bin/bioner-server"]
CMD ["--config", "/etc/bioner/server.yaml"]

# ---- build-cuda: the same build against a CUDA LibTorch ---------------------------------
# Debian's LibTorch is CPU-only. Put PyTorch's C++ distribution for CUDA 11.8 (the cxx11-ABI
# "shared-with-deps" zip, which carries libcudart, cuBLAS and cuDNN) in the build context and
# name it with LIBTORCH_CUDA_ZIP. Its CMake config needs a CUDA toolkit: Debian 12's
# nvidia-cuda-toolkit (11.8, non-free). CMake finds this LibTorch first (CMAKE_PREFIX_PATH).
FROM build AS build-cuda
ARG LIBTORCH_CUDA_ZIP=libtorch-cuda.zip
COPY ${LIBTORCH_CUDA_ZIP} /tmp/libtorch.zip
RUN sed -i 's/^Components: main$/Components: main contrib non-free non-free-firmware/' \
      /etc/apt/sources.list.d/debian.sources \
 && apt-get update -q && apt-get install -y -q --no-install-recommends unzip nvidia-cuda-toolkit \
 && unzip -q /tmp/libtorch.zip -d /opt && rm /tmp/libtorch.zip \
 && cmake -S . -B /src/build-cuda -G Ninja -DCMAKE_PREFIX_PATH=/opt/libtorch \
      -DBIONER_BUILD_TESTS=OFF -DBIONER_BUILD_BENCH=OFF \
 && cmake --build /src/build-cuda -j "$(nproc)" \
 && deploy/docker/bundle-libs.sh /opt/bioner/lib \
      /src/build-cuda/server/bioner-server /src/build-cuda/client/bioner-client \
      /src/build-cuda/trainer/bioner-trainer

# ---- runtime-cuda: NVIDIA's CUDA runtime base, which sets up the NVIDIA container runtime
# (driver libraries mounted at start). Ubuntu 24.04's glibc 2.39 runs Debian 12 (2.36)
# binaries; every other library the programs link (LibTorch's CUDA libraries included) is
# bundled from the build above into /opt/bioner/lib, so the Ubuntu packages do not matter.
FROM ${CUDA_RUNTIME} AS runtime-cuda
RUN groupadd --system --gid 10001 bioner \
 && useradd --system --uid 10001 --gid bioner --home-dir /opt/bioner --shell /usr/sbin/nologin bioner
COPY --from=build-cuda /opt/bioner/lib /opt/bioner/lib
COPY --from=build-cuda /src/build-cuda/server/bioner-server /src/build-cuda/client/bioner-client /src/build-cuda/trainer/bioner-trainer /usr/local/bin/
ENV LD_LIBRARY_PATH=/opt/bioner/lib
COPY models/ /opt/bioner/models/
COPY configs/server.yaml /etc/bioner/server.yaml
WORKDIR /opt/bioner
USER 10001:10001
EXPOSE 50051 9464
ENTRYPOINT ["/usr/local/bin/bioner-server"]
CMD ["--config", "/etc/bioner/server.yaml"]
