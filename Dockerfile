# syntax=docker/dockerfile:1
# imagegen's container image: imagegen-api, imagegen-worker and imagegen-provider-sim
# (the standalone simulator) in one image, run as a non-root user. The migrations are
# embedded in imagegen-api (applied at start, or by `imagegen-api migrate`) and also
# shipped under /usr/share/imagegen/migrations for reference.
#
#   docker build -t imagegen .
#   docker run --rm -p 8080:8080 imagegen                       # embedded mode
#   docker run --rm imagegen imagegen-worker                     # a worker (see compose)
#
# Documented, not built by our CI (its machines have no Docker engine); the compose
# file that uses it is validated there with `docker-compose config`.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
# The cargo registry and target directory are cache mounts: rebuilds reuse them.
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p imagegen-api -p imagegen-worker -p imagegen-provider-sim \
 && mkdir -p /out \
 && cp target/release/imagegen-api target/release/imagegen-worker target/release/imagegen-provider-sim /out/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/imagegen --create-home imagegen
COPY --from=build /out/ /usr/local/bin/
COPY migrations /usr/share/imagegen/migrations
USER 10001:10001
WORKDIR /var/lib/imagegen
# Listen on every interface inside the container; images under the data directory
# (mount shared storage there when several processes run).
ENV IMAGEGEN_LISTEN=0.0.0.0:8080 \
    IMAGEGEN_DATA_DIR=/var/lib/imagegen/data
EXPOSE 8080
ENTRYPOINT []
CMD ["imagegen-api"]
