FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/api ./cmd/api

FROM debian:bookworm-slim
COPY --from=build /out/api /usr/local/bin/api
RUN useradd --system runproof
USER runproof
EXPOSE 8080
CMD ["api", "serve"]
