# tcpconform-gvisor: the agent of the gvisor target (gVisor's netstack on a TAP),
# built offline in GOPATH mode from Debian's golang-gvisor-gvisor-dev (Go >= 1.19).
#   make stack-gvisor      build $(BUILD)/tcpconform-gvisor
GO         ?= go
GVISOR_GOPATH ?= /usr/share/gocode
GVISOR_SRC := $(wildcard tester/gvisor/*.go)

$(BUILD)/tcpconform-gvisor: $(GVISOR_SRC)
	@mkdir -p $(BUILD)
	GO111MODULE=off GOPATH=$(GVISOR_GOPATH) GOPROXY=off GOFLAGS= \
	    GOCACHE=$(abspath $(BUILD))/go-cache $(GO) build -o $@ ./tester/gvisor

stack-gvisor: $(BUILD)/tcpconform-gvisor

.PHONY: stack-gvisor
