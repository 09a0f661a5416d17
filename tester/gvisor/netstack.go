// The netstack of tcpconform-gvisor: one NIC on the TAP, the target's
// addresses and routes, static neighbours, and a filter under the NIC that
// lets `forget` drop a connection without a segment.
package main

import (
	"fmt"
	"os"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/fdbased"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// portPair names a connection's segments on the way out.
type portPair struct {
	local, remote uint16
}

// linkFilter is the TAP's link endpoint with one addition: while a port pair
// is muted, TCP segments between those ports are not sent. Everything else,
// and all input, passes through untouched.
type linkFilter struct {
	stack.LinkEndpoint
	mu    sync.Mutex
	muted map[portPair]bool
}

// mute starts or stops dropping the segments of @p.
func (f *linkFilter) mute(p portPair, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if on {
		f.muted[p] = true
	} else {
		delete(f.muted, p)
	}
}

// dropped tells whether @pkt is a TCP segment of a muted port pair.
func (f *linkFilter) dropped(pkt stack.PacketBufferPtr) bool {
	if pkt.TransportProtocolNumber != header.TCPProtocolNumber {
		return false
	}
	th := header.TCP(pkt.TransportHeader().Slice())
	if len(th) < header.TCPMinimumSize {
		return false
	}
	return f.muted[portPair{th.SourcePort(), th.DestinationPort()}]
}

// WritePackets implements stack.LinkEndpoint: the packets not muted go on.
func (f *linkFilter) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	f.mu.Lock()
	if len(f.muted) == 0 {
		f.mu.Unlock()
		return f.LinkEndpoint.WritePackets(pkts)
	}
	var keep stack.PacketBufferList
	n := 0
	for _, pkt := range pkts.AsSlice() {
		if f.dropped(pkt) {
			n++
			continue
		}
		keep.PushBack(pkt)
	}
	f.mu.Unlock()
	if keep.Len() == 0 {
		return n, nil
	}
	m, err := f.LinkEndpoint.WritePackets(keep)
	return n + m, err
}

// setOpt sets one TCP protocol option of @s.
func setOpt(s *stack.Stack, opt tcpip.SettableTransportProtocolOption, what string) error {
	if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, opt); err != nil {
		return fmt.Errorf("netstack option %s: %v", what, err)
	}
	return nil
}

// newStack builds netstack on the TAP of @o: IPv4, IPv6, ARP and TCP, one NIC.
func newStack(o *options) (*stack.Stack, *linkFilter, error) {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocol, arp.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	// As gVisor's own sandbox sets it up (runsc/boot/loader.go): SACK and
	// receive buffer auto-tuning on. Nagle on, as a new socket has it.
	sack := tcpip.TCPSACKEnabled(true)
	mrb := tcpip.TCPModerateReceiveBufferOption(true)
	delay := tcpip.TCPDelayEnabled(true)
	for _, e := range []error{
		setOpt(s, &sack, "SACK"),
		setOpt(s, &mrb, "receive buffer auto-tuning"),
		setOpt(s, &delay, "Nagle"),
	} {
		if e != nil {
			return nil, nil, e
		}
	}
	le, err := fdbased.New(&fdbased.Options{
		FDs:            []int{o.tapFD},
		MTU:            mtu,
		EthernetHeader: true,
		Address:        o.mac,
		// The TAP failed: without it the stack is gone, and so is the agent.
		ClosedFunc: func(err tcpip.Error) {
			fmt.Fprintf(os.Stderr, "%s: TAP fd %d: %v\n", prog, o.tapFD, err)
			os.Exit(1)
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("TAP fd %d: %v", o.tapFD, err)
	}
	f := &linkFilter{LinkEndpoint: le, muted: map[portPair]bool{}}
	if err := s.CreateNIC(nicID, f); err != nil {
		return nil, nil, fmt.Errorf("create NIC: %v", err)
	}
	var routes []tcpip.Route
	for _, pa := range o.addrs {
		if err := s.AddProtocolAddress(nicID, pa, stack.AddressProperties{}); err != nil {
			return nil, nil, fmt.Errorf("address %s: %v", pa.AddressWithPrefix, err)
		}
		routes = append(routes, tcpip.Route{Destination: pa.AddressWithPrefix.Subnet(), NIC: nicID})
	}
	// Anything else is on the link too: no gateway to resolve.
	routes = append(routes,
		tcpip.Route{Destination: header.IPv4EmptySubnet, NIC: nicID},
		tcpip.Route{Destination: header.IPv6EmptySubnet, NIC: nicID})
	s.SetRouteTable(routes)
	for _, n := range o.neighs {
		if err := s.AddStaticNeighbor(nicID, n.proto, n.addr, n.mac); err != nil {
			return nil, nil, fmt.Errorf("neighbour %s: %v", n.addr, err)
		}
	}
	return s, f, nil
}
