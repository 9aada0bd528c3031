# Hearth: `make run` builds everything and serves on 127.0.0.1:8090; `make test` runs every test.

PB_VERSION := 0.39.11
# Hearth's release is package.json's version; the binary carries it (`--version`, $hearth.version)
VERSION := $(shell node -p "require('./package.json').version")
LDFLAGS := -s -w -X github.com/pocketbase/pocketbase.Version=$(PB_VERSION) -X main.version=$(VERSION)
HOST_ARCH := $(shell go env GOARCH)
PB := bin/pocketbase
ADDR ?= 127.0.0.1:8090
DATA ?= pb_data
PB_DIRS = --dir $(DATA) --hooksDir pb_hooks --migrationsDir pb_migrations --publicDir pb_public
SOURCES := $(shell find src -type f) package.json $(wildcard pb_public/hearth*.js)
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

.PHONY: all run dev build test gotest typecheck unit integration e2e bench chromium nginx superuser clean release release-host

all: build

# PocketBase is built from its Go module, pinned to v$(PB_VERSION) in src/server/go.mod, with
# Hearth's one Go binding (the realtime relay): never downloaded, never committed.
GO_SOURCES := $(shell find src/server -type f -name '*.go') src/server/go.mod src/server/go.sum package.json
$(PB): $(GO_SOURCES)
	@mkdir -p bin
	cd src/server && CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o ../../$(PB) .

# The release: dist/hearth-<version>-linux-<arch>.tar.gz, one folder holding the binary, the
# compiled hooks, the migrations, the public files, the systemd unit and the operator's guide;
# `./hearth serve` in it serves Hearth (its default paths are beside the binary). CGO is off, so
# any platform cross-compiles with Go alone; this machine's own reuses bin/pocketbase.
release: dist/hearth-$(VERSION)-linux-amd64.tar.gz dist/hearth-$(VERSION)-linux-arm64.tar.gz

# the release of this machine's platform, which tests/integration/release/ unpacks and runs
release-host: dist/hearth-$(VERSION)-linux-$(HOST_ARCH).tar.gz

bin/linux-$(HOST_ARCH)/hearth: $(PB)
	@mkdir -p $(@D)
	cp $(PB) $@

.PRECIOUS: bin/linux-%/hearth
bin/linux-%/hearth: $(GO_SOURCES)
	@mkdir -p $(@D)
	cd src/server && CGO_ENABLED=0 GOOS=linux GOARCH=$* go build -trimpath -ldflags "$(LDFLAGS)" -o ../../$@ .

RELEASE_FILES := $(shell find pb_hooks/pages pb_migrations pb_public -type f) deploy/hearth.service docs/OPERATING.md
dist/hearth-$(VERSION)-linux-%.tar.gz: bin/linux-%/hearth pb_hooks/hearth/hearth.js $(RELEASE_FILES)
	@set -e; name=hearth-$(VERSION)-linux-$*; rm -rf dist/$$name; mkdir -p dist/$$name; \
	cp bin/linux-$*/hearth deploy/hearth.service docs/OPERATING.md dist/$$name/; \
	cp -r pb_hooks pb_migrations pb_public dist/$$name/; \
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$$(git log -1 --format=%ct) \
	  -C dist -cf - $$name | gzip -n > $@.part; mv $@.part $@; rm -rf dist/$$name
	@echo "built $@"

# The Go tests run under the race detector (it needs cgo, so a C compiler); the relay is all
# goroutines and locks (src/server/relay/doc.go).
gotest:
	cd src/server && CGO_ENABLED=1 go test -race ./...

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

pb_hooks/hearth/hearth.js: node_modules/.package-lock.json $(SOURCES)
	node src/build.mjs

build: $(PB) pb_hooks/hearth/hearth.js

run: build
	@echo ""
	@echo "  Hearth is starting on http://$(ADDR)  (data in $(DATA)/)"
	@echo "  First admin: make superuser EMAIL=you@example.com PASSWORD=a-long-password"
	@echo "  PocketBase dashboard: http://$(ADDR)/_/"
	@echo ""
	$(PB) serve --http $(ADDR) $(PB_DIRS) --hooksWatch=false

# Rebuilds on change; PocketBase restarts itself when pb_hooks changes.
dev: build
	node src/build.mjs --watch & $(PB) serve --dev --http $(ADDR) $(PB_DIRS) --hooksWatch=true

superuser: build
	$(PB) superuser upsert "$(EMAIL)" "$(PASSWORD)" $(PB_DIRS)

chromium:
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y chromium)

# the proxy test (tests/integration/operations/nginx.test.mjs) runs Debian's nginx in front of Hearth
nginx:
	@test -x $(NGINX) || (apt-get update && apt-get install -y nginx)

typecheck: node_modules/.package-lock.json
	npx tsc -p tsconfig.json

unit: build
	node --test tests/unit/

integration: build nginx
	node --test --test-concurrency=2 tests/integration/

e2e: build chromium
	node --test --test-concurrency=1 e2e/

# the browser tests one at a time, after the rest: each drives Chromium against its own server, and
# two of them beside the integration tests left too little of two cores for their timings
test: build release-host chromium nginx typecheck gotest
	node --test --test-concurrency=2 tests/unit/ tests/integration/
	node --test --test-concurrency=1 e2e/

bench: build bin/bench-reader
	node bench/run.mjs

# the benchmarks' SSE reader (bench/reader); rebuilt when its source changes
bin/bench-reader: bench/reader/main.go bench/reader/go.mod
	cd bench/reader && CGO_ENABLED=0 go build -trimpath -o ../../bin/bench-reader .

clean:
	rm -rf bin dist pb_hooks/hearth pb_hooks/hearth.pb.js pb_public/vendor pb_public/min
