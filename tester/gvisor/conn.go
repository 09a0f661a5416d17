// Listeners and connections of tcpconform-gvisor: the application's side of
// each netstack endpoint (accept, read, echo, write, close), and the loop.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

type mode int

const (
	modeEcho mode = iota
	modeDiscard
	modeSend
	modeClose
	modeAbort
	modeNoread
)

var modeNames = []string{"echo", "discard", "send", "close", "abort", "noread"}

// listenEvents are the events that wake the loop up for an endpoint.
const listenEvents = waiter.ReadableEvents | waiter.WritableEvents | waiter.EventErr | waiter.EventHUp

type listener struct {
	port  uint16
	mode  mode
	sendN uint64 // for modeSend
	ep    tcpip.Endpoint
	wq    waiter.Queue
	entry waiter.Entry
}

// conn is one connection, named by the peer's port. The record outlives the
// application's hold on the endpoint (open), so that later requests still see
// what happened, and `state` still sees netstack's state of it.
type conn struct {
	serial       uint64 // unique per record, never reused
	ep           tcpip.Endpoint
	wq           *waiter.Queue
	entry        waiter.Entry
	open         bool // the application holds the endpoint (not closed)
	pport, lport uint16
	mode         mode
	connecting   bool // connect in progress
	reading      bool // the application reads (read/noread)
	eof          bool // a read saw the end of the stream
	err          unix.Errno
	nread        uint64     // bytes read by the application
	queued       uint64     // output bytes handed to the application's queue
	written      uint64     // output bytes the endpoint accepted
	werr         unix.Errno // errno of the last failed write (the connection stays)
	pattern      uint64     // pattern bytes generated so far
	out          []byte     // output not yet accepted: out[off:]
	off          int
}

type agent struct {
	st         *stack.Stack
	filter     *linkFilter
	ctl        *ctl
	lis        []*listener
	byport     [65536]*conn
	live       map[*conn]bool // records with open endpoints
	nextSerial uint64
	pend       []*req
	quit       bool
	again      bool // a connection or listener has more to do at once
	kick       chan struct{}
	iobuf      bytes.Buffer
	warned     bool
}

func newAgent(o *options) (*agent, error) {
	s, f, err := newStack(o)
	if err != nil {
		return nil, err
	}
	return &agent{st: s, filter: f, live: map[*conn]bool{}, kick: make(chan struct{}, 1)}, nil
}

// poke wakes the loop up; called from netstack's goroutines too.
func (a *agent) poke() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// listen opens @l on [::]:PORT, dual-stack.
// noreadRcvbuf is SO_RCVBUF of the noread listener (and of what it accepts):
// doubled, a buffer of 29184 octets and a window of 14592.
const noreadRcvbuf = 14592

func (a *agent) listen(l *listener, backlog int) error {
	ep, err := a.st.NewEndpoint(tcp.ProtocolNumber, ipv6.ProtocolNumber, &l.wq)
	if err != nil {
		return fmt.Errorf("socket port %d: %s", l.port, tcpipStrError(err))
	}
	ep.SocketOptions().SetV6Only(false)
	ep.SocketOptions().SetReuseAddress(true)
	if l.mode == modeNoread {
		// An application that never reads fills the receive buffer. A bounded one
		// lets the window close (netstack's default 1 MiB takes more than the 65
		// segments of 1000 octets the window cases send), and one whose window
		// (half the buffer) is below netstack's initial window (2 * InitialCwnd
		// segments) offers that window at once, as Linux does, instead of growing
		// it as the data comes, which the window cases' exact checks cannot follow.
		min, max := ep.SocketOptions().ReceiveBufferLimits()
		ep.SocketOptions().SetReceiveBufferSize(bufSize(noreadRcvbuf, min, max), true)
	}
	if err := ep.Bind(tcpip.FullAddress{Port: l.port}); err != nil {
		return fmt.Errorf("bind port %d: %s", l.port, tcpipStrError(err))
	}
	if err := ep.Listen(backlog); err != nil {
		return fmt.Errorf("listen port %d: %s", l.port, tcpipStrError(err))
	}
	l.ep = ep
	l.entry = waiter.NewFunctionEntry(listenEvents, func(waiter.EventMask) { a.poke() })
	l.wq.EventRegister(&l.entry)
	a.lis = append(a.lis, l)
	return nil
}

// addConn makes a record for the endpoint @ep and indexes it under @pport,
// replacing (and closing) an older record there.
func (a *agent) addConn(ep tcpip.Endpoint, wq *waiter.Queue, pport, lport uint16, m mode) *conn {
	if old := a.byport[pport]; old != nil {
		a.closeConn(old, 0)
	}
	a.nextSerial++
	c := &conn{serial: a.nextSerial, ep: ep, wq: wq, open: true, pport: pport,
		lport: lport, mode: m, reading: m != modeNoread}
	c.entry = waiter.NewFunctionEntry(listenEvents, func(waiter.EventMask) { a.poke() })
	wq.EventRegister(&c.entry)
	a.byport[pport] = c
	a.live[c] = true
	return c
}

// closeConn closes the application's endpoint (if open) and records @e
// (0: none, keeps an older error). Unsent output is dropped; the record
// stays, and so does the endpoint for `state`.
func (a *agent) closeConn(c *conn, e unix.Errno) {
	if e != 0 {
		c.err = e
	}
	if !c.open {
		return
	}
	c.wq.EventUnregister(&c.entry)
	c.ep.Close()
	c.open = false
	c.connecting = false
	c.out, c.off = nil, 0
	delete(a.live, c)
}

// flush hands queued output to the endpoint until its send buffer is full.
func (a *agent) flush(c *conn) {
	for c.open && c.off < len(c.out) {
		n, err := c.ep.Write(bytes.NewReader(c.out[c.off:]), tcpip.WriteOptions{})
		if err != nil {
			if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
				// a failed write drops what was queued and leaves the connection
				// to the case, as an application's
				c.werr = errnoOf(err)
				c.queued -= uint64(len(c.out) - c.off)
				c.out, c.off = c.out[:0], 0
			}
			return
		}
		c.off += int(n)
		c.written += uint64(n)
	}
	if c.off == len(c.out) {
		if cap(c.out) > echoHigh {
			c.out = nil
		} else {
			c.out = c.out[:0]
		}
		c.off = 0
	}
}

// queuePattern queues @n pattern bytes ('a'..'z', continuing the
// connection's pattern) and starts writing them.
func (a *agent) queuePattern(c *conn, n uint64) {
	if c.off > 0 {
		c.out = append(c.out[:0], c.out[c.off:]...)
		c.off = 0
	}
	for i := uint64(0); i < n; i++ {
		c.out = append(c.out, byte('a'+(c.pattern+i)%26))
	}
	c.pattern += n
	c.queued += n
	a.flush(c)
}

// wantsRead tells whether the application reads from @c now.
func (a *agent) wantsRead(c *conn) bool {
	if !c.open || c.connecting || !c.reading || c.eof {
		return false
	}
	return c.mode != modeEcho || len(c.out)-c.off < echoHigh
}

// readOnce reads at most @max bytes from @c into a.iobuf (when @keep) and
// counts them. It returns the count, and false when nothing more is there
// now (would block, end of stream noted, or an error that closed @c).
func (a *agent) readOnce(c *conn, max int64, keep bool) (int, bool) {
	var w io.Writer = io.Discard
	if keep {
		a.iobuf.Reset()
		w = &a.iobuf
	}
	res, err := c.ep.Read(&tcpip.LimitedWriter{W: w, N: max}, tcpip.ReadOptions{})
	if err != nil {
		switch err.(type) {
		case *tcpip.ErrWouldBlock, *tcpip.ErrNotConnected:
		case *tcpip.ErrClosedForReceive:
			c.eof = true
		default:
			a.closeConn(c, errnoOf(err))
		}
		return 0, false
	}
	c.nread += uint64(res.Count)
	return res.Count, res.Count > 0
}

// service does what the application does with @c when woken up: finish a
// connect, notice a hard error, read (and echo), write.
func (a *agent) service(c *conn) {
	if !c.open {
		return
	}
	st := tcp.EndpointState(c.ep.State())
	if c.connecting {
		switch st {
		case tcp.StateSynSent, tcp.StateSynRecv, tcp.StateConnecting, tcp.StateInitial, tcp.StateBound:
			return
		case tcp.StateError, tcp.StateClose:
			e := errnoOf(c.ep.LastError())
			if e == 0 {
				e = unix.ECONNREFUSED
			}
			a.closeConn(c, e)
			return
		}
		c.connecting = false
	}
	// A reset closed it (in CLOSE-WAIT netstack goes to CLOSE, not to its
	// error state): the application sees the error, as poll() gives POLLERR.
	if st == tcp.StateError || st == tcp.StateClose {
		if err := c.ep.LastError(); err != nil {
			a.closeConn(c, errnoOf(err))
			return
		}
	}
	for i := 0; a.wantsRead(c); i++ {
		if i == readTurns {
			a.again = true
			break
		}
		n, more := a.readOnce(c, ioChunk, c.mode == modeEcho)
		if n > 0 && c.mode == modeEcho {
			c.out = append(c.out, a.iobuf.Bytes()[:n]...)
			c.queued += uint64(n)
			a.flush(c)
		}
		if !more {
			break
		}
	}
	a.flush(c)
}

// start applies the listener's behaviour to the just accepted @c.
func (a *agent) start(l *listener, c *conn) {
	switch l.mode {
	case modeSend:
		a.queuePattern(c, l.sendN)
	case modeClose:
		a.closeConn(c, 0)
	case modeAbort:
		c.ep.SocketOptions().SetLinger(tcpip.LingerOption{Enabled: true, Timeout: 0})
		a.closeConn(c, 0)
	}
	a.service(c)
}

// accept takes what @l has queued (a bounded burst per turn).
func (a *agent) accept(l *listener) {
	for i := 0; i < acceptBurst; i++ {
		var peer tcpip.FullAddress
		ep, wq, err := l.ep.Accept(&peer)
		if err != nil {
			if _, ok := err.(*tcpip.ErrWouldBlock); !ok && !a.warned {
				a.warned = true
				fmt.Fprintf(os.Stderr, "%s: accept: %v\n", prog, err)
			}
			return
		}
		a.start(l, a.addConn(ep, wq, peer.Port, l.port, l.mode))
	}
	a.again = true
}

// turn serves every open connection and listener, then the waiting requests.
func (a *agent) turn() {
	for c := range a.live {
		a.service(c)
	}
	for _, l := range a.lis {
		a.accept(l)
	}
	a.pendingRun()
}

// loop runs until `quit`, end of file on the control channel, or its reader
// going away; then writes what replies it can. Returns the exit status.
func (a *agent) loop() int {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	a.turn()
	for !a.quit {
		var tc <-chan time.Time
		if d, ok := a.pendingTimeout(); ok {
			timer.Reset(d)
			tc = timer.C
		}
		if a.again {
			a.again = false
			a.poke()
		}
		eof := false
		select {
		case l, ok := <-a.ctl.lines:
			eof = !a.takeLines(l, ok)
		case <-a.kick:
		case <-tc:
		case <-a.ctl.dead:
			return 0
		}
		if tc != nil && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		a.turn()
		if eof {
			break
		}
	}
	a.ctl.drain(time.Second)
	return 0
}

// takeLines dispatches @l and the further lines already there (a bounded
// number, stopping at `quit`). It returns false at the end of the input.
func (a *agent) takeLines(l ctlLine, ok bool) bool {
	for i := 0; ok && !a.quit; i++ {
		a.handleLine(l)
		if i == 64 {
			return true
		}
		select {
		case l, ok = <-a.ctl.lines:
		default:
			return true
		}
	}
	return ok || a.quit
}

// handleLine dispatches one control line.
func (a *agent) handleLine(l ctlLine) {
	if l.tooLong {
		a.ctl.reply("0", "err bad request: line longer than %d bytes", lineMax)
		return
	}
	a.dispatch(l.text)
}
