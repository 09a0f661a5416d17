// Command tcpconform-gvisor is the agent of the gvisor target: the application
// on the target, with gVisor's netstack as its TCP stack. Netstack runs inside
// this process on a TAP file descriptor it inherits (whole Ethernet frames), and
// the agent speaks the agent protocol (tester/PROTOCOL.md) on a control channel,
// as tcpconform-agent does on Linux sockets.
//
//	tcpconform-gvisor [--backlog N] (--ctl-fd FD | --ctl-stdio)
//	                  --tap-fd FD --mac MAC --addr ADDR/PREFIX [--addr ADDR/PREFIX]
//	                  [--neigh ADDR=MAC ...] --listen MODE:PORT [--listen MODE:PORT ...]
//
// Exit status: 0 on end of file on the control channel or `quit`, 1 on a setup
// or run-time failure, 2 on bad usage.
//
// One goroutine (the loop) owns every connection and request; netstack's
// wait queues only wake it up, the control reader hands it lines, and one
// writer sends the replies in the order they were made.
package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
)

const (
	prog        = "tcpconform-gvisor"
	lineMax     = 256      // longest control line, without \n
	timeoutMS   = 2000     // default wait of requests naming PP
	echoHigh    = 1 << 20  // echo stops reading above this much unsent output
	sendMax     = 1 << 26  // largest N of `send` and send:N
	ioChunk     = 65536    // one read from an endpoint
	readTurns   = 16       // reads per connection per loop turn
	maxArgs     = 8        // tokens of a request, with ID and verb
	acceptBurst = 64       // accepts per listener per loop turn
	tMax        = 86400000 // longest t=MS: one day
	nicID       = 1
	mtu         = 1500
)

const usageText = `usage: tcpconform-gvisor [--backlog N] (--ctl-fd FD | --ctl-stdio)
                         --tap-fd FD --mac MAC --addr ADDR/PREFIX [--addr ADDR/PREFIX]
                         [--neigh ADDR=MAC ...] --listen MODE:PORT [--listen MODE:PORT ...]
  MODE: echo, discard, send:N, close, abort, noread; PORT: 1-65535
  --tap-fd: an attached TAP (IFF_TAP | IFF_NO_PI) carrying netstack's frames
  --mac: netstack's MAC; --addr: its IPv4 and IPv6 addresses
  --neigh: a static neighbour entry (the tester's address and MAC)
`

// neigh is one --neigh ADDR=MAC.
type neigh struct {
	proto tcpip.NetworkProtocolNumber
	addr  tcpip.Address
	mac   tcpip.LinkAddress
}

// options is what the command line asks for.
type options struct {
	backlog int
	ctlFD   int // -1: not given
	stdio   bool
	tapFD   int // -1: not given
	mac     tcpip.LinkAddress
	addrs   []tcpip.ProtocolAddress
	neighs  []neigh
	lis     []*listener
}

// usage prints "tcpconform-gvisor: MSG ARG" and the usage text; returns 2.
func usage(msg, arg string) int {
	if arg != "" {
		msg += " " + arg
	}
	fmt.Fprintf(os.Stderr, "%s: %s\n%s", prog, msg, usageText)
	return 2
}

// parseU64 parses a decimal number made only of digits, at most max.
func parseU64(s string, max uint64) (uint64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > max {
		return 0, false
	}
	return v, true
}

// parsePort parses a port number 1..65535.
func parsePort(s string) (uint16, bool) {
	v, ok := parseU64(s, 65535)
	if !ok || v == 0 {
		return 0, false
	}
	return uint16(v), true
}

// parseIP parses an IPv4 or IPv6 literal into netstack's form.
func parseIP(s string) (tcpip.Address, tcpip.NetworkProtocolNumber, bool) {
	ip := net.ParseIP(s)
	if ip == nil {
		return "", 0, false
	}
	if !strings.Contains(s, ":") {
		return tcpip.Address(ip.To4()), ipv4.ProtocolNumber, true
	}
	return tcpip.Address(ip.To16()), ipv6.ProtocolNumber, true
}

// parseMAC parses a 6-byte Ethernet address.
func parseMAC(s string) (tcpip.LinkAddress, bool) {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return "", false
	}
	return tcpip.LinkAddress(hw), true
}

// parseAddr parses ADDR/PREFIX.
func parseAddr(s string) (tcpip.ProtocolAddress, bool) {
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return tcpip.ProtocolAddress{}, false
	}
	addr, proto, ok := parseIP(s[:slash])
	if !ok {
		return tcpip.ProtocolAddress{}, false
	}
	max := uint64(len(addr) * 8)
	plen, ok := parseU64(s[slash+1:], max)
	if !ok {
		return tcpip.ProtocolAddress{}, false
	}
	return tcpip.ProtocolAddress{
		Protocol:          proto,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: addr, PrefixLen: int(plen)},
	}, true
}

// parseNeigh parses ADDR=MAC.
func parseNeigh(s string) (neigh, bool) {
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		return neigh{}, false
	}
	addr, proto, ok := parseIP(s[:eq])
	if !ok {
		return neigh{}, false
	}
	mac, ok := parseMAC(s[eq+1:])
	return neigh{proto: proto, addr: addr, mac: mac}, ok
}

// parseListen parses MODE:PORT.
func parseListen(s string) (*listener, bool) {
	colon := strings.LastIndexByte(s, ':')
	if colon < 0 {
		return nil, false
	}
	l := &listener{}
	port, ok := parsePort(s[colon+1:])
	if !ok {
		return nil, false
	}
	l.port = port
	m := s[:colon]
	if strings.HasPrefix(m, "send:") {
		n, ok := parseU64(m[5:], sendMax)
		l.mode, l.sendN = modeSend, n
		return l, ok
	}
	for i, name := range modeNames {
		if name == m && mode(i) != modeSend {
			l.mode = mode(i)
			return l, true
		}
	}
	return nil, false
}

// fdOpen tells whether the decimal @s names an open file descriptor.
func fdOpen(s string) (int, bool) {
	v, ok := parseU64(s, 1<<30)
	if !ok {
		return 0, false
	}
	if _, err := unix.FcntlInt(uintptr(v), unix.F_GETFD, 0); err != nil {
		return 0, false
	}
	return int(v), true
}

// parseArgs reads the command line into @o. It returns -1 to go on, else the
// exit status (0 after --help, 2 on bad usage).
func parseArgs(args []string, o *options) int {
	takesValue := map[string]bool{
		"backlog": true, "ctl-fd": true, "tap-fd": true, "mac": true,
		"addr": true, "neigh": true, "listen": true,
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") || len(a) == 2 {
			return usage("unexpected argument", a)
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		if takesValue[name] && !hasVal {
			if i+1 >= len(args) {
				return usage("bad option", a)
			}
			i++
			val = args[i]
		} else if !takesValue[name] && hasVal {
			return usage("bad option", a)
		}
		var ok bool
		switch name {
		case "backlog":
			var v uint64
			v, ok = parseU64(val, 1<<30)
			if !ok || v == 0 {
				return usage("--backlog expects a number 1 to 1073741824, got", val)
			}
			o.backlog = int(v)
		case "ctl-fd":
			if o.ctlFD, ok = fdOpen(val); !ok {
				return usage("--ctl-fd expects an open file descriptor, got", val)
			}
		case "tap-fd":
			if o.tapFD, ok = fdOpen(val); !ok {
				return usage("--tap-fd expects an open file descriptor, got", val)
			}
		case "ctl-stdio":
			o.stdio = true
		case "mac":
			if o.mac, ok = parseMAC(val); !ok {
				return usage("--mac expects an Ethernet address, got", val)
			}
		case "addr":
			pa, ok := parseAddr(val)
			if !ok {
				return usage("--addr expects ADDR/PREFIX, got", val)
			}
			o.addrs = append(o.addrs, pa)
		case "neigh":
			n, ok := parseNeigh(val)
			if !ok {
				return usage("--neigh expects ADDR=MAC, got", val)
			}
			o.neighs = append(o.neighs, n)
		case "listen":
			l, ok := parseListen(val)
			if !ok {
				return usage("--listen expects MODE:PORT, got", val)
			}
			o.lis = append(o.lis, l)
		case "help":
			fmt.Print(usageText)
			return 0
		default:
			return usage("bad option", a)
		}
	}
	switch {
	case (o.ctlFD >= 0) == o.stdio:
		return usage("expects exactly one of --ctl-fd FD and --ctl-stdio", "")
	case o.tapFD < 0 || o.mac == "" || len(o.addrs) == 0:
		return usage("expects --tap-fd FD, --mac MAC and at least one --addr ADDR/PREFIX", "")
	case len(o.lis) == 0:
		return usage("expects at least one --listen MODE:PORT", "")
	}
	return -1
}

// processSetup: die with the parent, survive a reader that went away.
func processSetup(o *options) bool {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "%s: prctl(PR_SET_PDEATHSIG): %v\n", prog, err)
		return false
	}
	if !o.stdio && os.Getppid() == 1 {
		fmt.Fprintf(os.Stderr, "%s: parent already gone\n", prog)
		return false
	}
	signal.Ignore(syscall.SIGPIPE)
	return true
}

func run(args []string) int {
	o := &options{backlog: 4096, ctlFD: -1, tapFD: -1}
	if rc := parseArgs(args, o); rc >= 0 {
		return rc
	}
	if !processSetup(o) {
		return 1
	}
	a, err := newAgent(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return 1
	}
	for _, l := range o.lis {
		if err := a.listen(l, o.backlog); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
			return 1
		}
	}
	in, out := os.Stdin, os.Stdout
	if !o.stdio {
		in = os.NewFile(uintptr(o.ctlFD), "control")
		out = in
	}
	a.ctl = newCtl(in, out)
	a.ctl.reply("ready", "%d", len(a.lis))
	return a.loop()
}

func main() {
	os.Exit(run(os.Args[1:]))
}
