# syntax=docker/dockerfile:1

# Hài Lòng container image: a static binary on distroless, running as nonroot.
#   docker build -t hailong .
#   docker run --rm -p 8080:8080 hailong            # embedded stores in /data
# Production (MongoDB + Redis) is docker-compose.yml.

# ---- build ----------------------------------------------------------------
FROM golang:1.26-bookworm AS build
WORKDIR /src

# Modules first, in their own layer: it is rebuilt only when go.mod/go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .
# Static binary (FerretDB's SQLite is pure Go, so no cgo). ferretdb_no_postgresql
# leaves FerretDB's PostgreSQL backend out: the embedded store uses SQLite only.
# The build cache mount only speeds up rebuilds; it is not part of any layer.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags ferretdb_no_postgresql -ldflags="-s -w" \
        -o /out/hailong ./cmd/hailong \
 && mkdir -p /out/data

# ---- run ------------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hailong /hailong
# The data dir (embedded stores, generated secret) must be writable by the
# nonroot user (65532); a named volume mounted here inherits this ownership.
COPY --from=build --chown=65532:65532 /out/data /data

ENV HAILONG_ADDR=:8080 HAILONG_DATA_DIR=/data
EXPOSE 8080

# No shell or curl in distroless: the binary GETs its own /readyz and exits 0/1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/hailong", "healthcheck"]

USER nonroot
ENTRYPOINT ["/hailong"]
CMD ["serve"]
