# Navixy dealer portal. `make run` and `make test` are all a fresh machine
# with Go needs; the browser tests also want Chromium (/usr/bin/chromium).

GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: run test build generate lint check-generated bench load docker keys panelsim clean

## run: the portal on 127.0.0.1:8080 against the built-in emulator
run:
	$(GO) run ./cmd/portal -demo

## panelsim: the Panel API emulator alone on 127.0.0.1:8081
panelsim:
	$(GO) run ./cmd/panelsim -addr 127.0.0.1:8081

## test: every check and every test (browser tests need Chromium)
test: lint
	$(GO) test -race -count=1 ./...

## build: static binaries into bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/portal ./cmd/portal
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/panelsim ./cmd/panelsim

## generate: templ components into *_templ.go (committed)
generate:
	$(GO) tool templ generate

## lint: gofmt, go vet, staticcheck, and generated files up to date
lint: check-generated
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## check-generated: fail when templ generate would change committed files
check-generated:
	@before=$$(cat $$(find . -name '*_templ.go' | sort) | sha256sum); \
	  $(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; $(GO) tool templ generate; exit 1; }; \
	  after=$$(cat $$(find . -name '*_templ.go' | sort) | sha256sum); \
	  if [ "$$before" != "$$after" ]; then echo "templ files were stale and have been regenerated: commit them"; exit 1; fi

## bench: the portal measured against the API it fronts (not part of test)
bench:
	$(GO) run ./cmd/portalbench

## load: N staff sessions browsing for T seconds on loopback
load:
	$(GO) run ./cmd/portalbench -load

## docker: the container image
docker:
	docker build -t navixy-portal:$(VERSION) --build-arg VERSION=$(VERSION) .

## keys: a fresh SESSION_KEYS value
keys:
	@$(GO) run ./cmd/portal -keys

clean:
	rm -rf bin
