// The `state` verb: netstack's state of a connection, by the peer's port. It
// sees what the application does not hold too: handshakes not yet accepted
// (SYN-RECEIVED), and endpoints closed by the application that still finish
// their close (FIN-WAIT-*, TIME-WAIT...), as long as netstack keeps them
// registered.
package main

import (
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// stateNames are RFC 9293's names of netstack's states; the states netstack
// keeps for itself (initial, bound, error) are CLOSED, and "connecting" (the
// SYN not sent yet) is SYN-SENT.
var stateNames = map[tcp.EndpointState]string{
	tcp.StateEstablished: "ESTABLISHED",
	tcp.StateSynSent:     "SYN-SENT",
	tcp.StateConnecting:  "SYN-SENT",
	tcp.StateSynRecv:     "SYN-RECEIVED",
	tcp.StateFinWait1:    "FIN-WAIT-1",
	tcp.StateFinWait2:    "FIN-WAIT-2",
	tcp.StateTimeWait:    "TIME-WAIT",
	tcp.StateCloseWait:   "CLOSE-WAIT",
	tcp.StateLastAck:     "LAST-ACK",
	tcp.StateListen:      "LISTEN",
	tcp.StateClosing:     "CLOSING",
}

// stateOf finds the endpoint whose remote port is @pport and names its state;
// CLOSED when there is none. Like tcpconform-agent: the recorded connection's
// local port counts most, then a connection not in TIME-WAIT beats one that
// is (a new connection from a reused peer port).
func (a *agent) stateOf(pport uint16) string {
	c := a.byport[pport]
	best, bestScore := "CLOSED", 0
	consider := func(ep tcpip.Endpoint) {
		info, ok := ep.Info().(*stack.TransportEndpointInfo)
		if !ok || info.ID.RemotePort != pport {
			return
		}
		st := tcp.EndpointState(ep.State())
		name, ok := stateNames[st]
		if !ok || st == tcp.StateListen {
			return
		}
		score := 1
		if c != nil && c.lport != 0 && info.ID.LocalPort == c.lport {
			score += 4
		}
		if st != tcp.StateTimeWait {
			score += 2
		}
		if score > bestScore {
			best, bestScore = name, score
		}
	}
	for _, te := range a.st.RegisteredEndpoints() {
		if ep, ok := te.(tcpip.Endpoint); ok {
			consider(ep)
		}
	}
	if c != nil {
		consider(c.ep)
	}
	return best
}
