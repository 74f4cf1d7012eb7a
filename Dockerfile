# syntax=docker/dockerfile:1

# alumnibot: a static binary in a distroless image, running as non-root.
#   docker build -t alumnibot .
#   docker run --rm -e TELEGRAM_BOT_TOKEN=... -e REDIS_URL=redis://... -p 8080:8080 alumnibot

FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# The binary imports time/tzdata, so Asia/Jakarta, Asia/Makassar and
# Asia/Jayapura resolve without zoneinfo files in the image.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /alumnibot ./cmd/alumnibot

# distroless/static: CA certificates (for api.telegram.org over TLS), /etc/passwd
# with the nonroot user (uid 65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /alumnibot /alumnibot
USER nonroot:nonroot
# /healthz, /metrics and the webhook (HTTP_ADDR, default :8080).
EXPOSE 8080
ENTRYPOINT ["/alumnibot"]
CMD ["serve"]
