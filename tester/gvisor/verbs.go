// The verbs of tcpconform-gvisor's control protocol, on netstack's endpoint
// API. Each run replies "ok ..." or "err ..." and returns true, or returns
// false to be called again after the next events (see verb in req.go).
package main

import (
	"math"
	"time"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// closedWhy is the reason a closed connection can do no more.
func closedWhy(c *conn) string {
	if c.err != 0 {
		return errName(c.err)
	}
	return "closed"
}

// replyIfClosed answers the error for a verb that needs the endpoint open,
// when the application closed it. It returns true if it replied.
func (a *agent) replyIfClosed(r *req, c *conn) bool {
	if c.open {
		return false
	}
	a.reply(r, "err connection from port %d is closed (%s)", c.pport, closedWhy(c))
	return true
}

// replyErr answers "ok", or "err WHAT: strerror" when @err is set.
func (a *agent) replyErr(r *req, err tcpip.Error, what string) bool {
	if err != nil {
		a.reply(r, "err %s: %s", what, tcpipStrError(err))
	} else {
		a.reply(r, "ok")
	}
	return true
}

func noExpire(a *agent, r *req, c *conn) {
	a.reply(r, "err timeout")
}

func cmdPing(a *agent, r *req, c *conn) bool {
	a.reply(r, "ok")
	return true
}

func cmdQuit(a *agent, r *req, c *conn) bool {
	a.reply(r, "ok")
	a.quit = true
	return true
}

// close PP: Close(): a FIN once the send queue is out.
func cmdClose(a *agent, r *req, c *conn) bool {
	if a.replyIfClosed(r, c) {
		return true
	}
	a.closeConn(c, 0)
	a.reply(r, "ok")
	return true
}

var shutHow = map[string]tcpip.ShutdownFlags{
	"rd":   tcpip.ShutdownRead,
	"wr":   tcpip.ShutdownWrite,
	"rdwr": tcpip.ShutdownRead | tcpip.ShutdownWrite,
}

func checkShutdown(r *req) bool {
	_, ok := shutHow[r.str]
	return ok
}

// shutdown PP rd|wr|rdwr.
func cmdShutdown(a *agent, r *req, c *conn) bool {
	if a.replyIfClosed(r, c) {
		return true
	}
	err := c.ep.Shutdown(shutHow[r.str])
	a.poke() // the endpoint may have become readable (EOF) or writable
	return a.replyErr(r, err, "shutdown")
}

// abort PP: SO_LINGER {1, 0}, then Close(): netstack sends a reset.
func cmdAbort(a *agent, r *req, c *conn) bool {
	if a.replyIfClosed(r, c) {
		return true
	}
	c.ep.SocketOptions().SetLinger(tcpip.LingerOption{Enabled: true, Timeout: 0})
	a.closeConn(c, 0)
	a.reply(r, "ok")
	return true
}

// forget PP: netstack has no silent close (Linux's TCP_REPAIR); the endpoint
// is aborted while the link under the NIC drops the connection's segments,
// so the reset netstack sends never leaves. The peer's next segment then
// finds no connection.
func cmdForget(a *agent, r *req, c *conn) bool {
	if a.replyIfClosed(r, c) {
		return true
	}
	p := portPair{local: c.lport, remote: c.pport}
	a.filter.mute(p, true)
	c.ep.Abort() // the reset is written before Abort returns
	a.filter.mute(p, false)
	a.closeConn(c, 0)
	a.reply(r, "ok")
	return true
}

func checkSend(r *req) bool {
	return r.n <= sendMax
}

// send PP N: queue N pattern bytes; ok once the endpoint took them all.
func cmdSend(a *agent, r *req, c *conn) bool {
	if !r.started {
		if a.replyIfClosed(r, c) {
			return true
		}
		c.werr = 0
		r.target = c.queued + r.n
		a.queuePattern(c, r.n)
		r.started = true
	}
	if c.werr != 0 { // the write failed: the bytes not in the endpoint are dropped
		done := uint64(0)
		if c.written+r.n > r.target {
			done = c.written + r.n - r.target
		}
		a.reply(r, "err wrote %d of %d bytes (%s)", done, r.n, errName(c.werr))
		return true
	}
	if c.written >= r.target {
		a.reply(r, "ok")
		return true
	}
	if c.open {
		return false
	}
	a.reply(r, "err wrote %d of %d bytes (%s)", r.n-(r.target-c.written), r.n, closedWhy(c))
	return true
}

func expireSend(a *agent, r *req, c *conn) {
	a.reply(r, "err wrote %d of %d bytes", r.n-(r.target-c.written), r.n)
}

// noread PP / read PP: stop or resume reading.
func cmdReading(a *agent, r *req, c *conn) bool {
	if a.replyIfClosed(r, c) {
		return true
	}
	c.reading = r.verb.name == "read"
	a.reply(r, "ok")
	return true
}

// take PP N: read at most N bytes now, reading on or off: ok COUNT.
func cmdTake(a *agent, r *req, c *conn) bool {
	if a.replyIfClosed(r, c) {
		return true
	}
	got := uint64(0)
	for got < r.n && c.open && !c.eof {
		want := r.n - got
		if want > ioChunk {
			want = ioChunk
		}
		n, more := a.readOnce(c, int64(want), false)
		got += uint64(n)
		if !more {
			break
		}
	}
	a.reply(r, "ok %d", got)
	return true
}

// received PP N: ok COUNT once COUNT >= N bytes were read.
func cmdReceived(a *agent, r *req, c *conn) bool {
	if c.nread >= r.n {
		a.reply(r, "ok %d", c.nread)
		return true
	}
	if c.open && !c.eof {
		return false
	}
	why := "EOF"
	if !c.eof {
		why = closedWhy(c)
	}
	a.reply(r, "err read %d of %d bytes (%s)", c.nread, r.n, why)
	return true
}

func expireReceived(a *agent, r *req, c *conn) {
	a.reply(r, "err read %d of %d bytes", c.nread, r.n)
}

// eof PP: ok once a read saw the end of the stream.
func cmdEOF(a *agent, r *req, c *conn) bool {
	if c.eof {
		a.reply(r, "ok")
		return true
	}
	if c.open {
		return false
	}
	a.reply(r, "err no EOF (%s)", closedWhy(c))
	return true
}

func expireEOF(a *agent, r *req, c *conn) {
	a.reply(r, "err no EOF")
}

// state PP: netstack's state of the connection, without waiting.
func cmdState(a *agent, r *req, c *conn) bool {
	a.reply(r, "ok %s", a.stateOf(r.port[0]))
	return true
}

// info PP: what the application saw.
func cmdInfo(a *agent, r *req, c *conn) bool {
	eof, reading := 0, 0
	if c.eof {
		eof = 1
	}
	if c.reading {
		reading = 1
	}
	a.reply(r, "ok read=%d eof=%d error=%s reading=%d", c.nread, eof, errName(c.err), reading)
	return true
}

func checkConnect(r *req) bool {
	_, _, ok := parseIP(r.str)
	return ok
}

// connect ADDR PORT [LPORT]: start an active open; the connection is named
// by PORT, in mode discard. ok once the SYN is on its way.
func cmdConnect(a *agent, r *req, _ *conn) bool {
	addr, proto, _ := parseIP(r.str)
	wq := new(waiter.Queue)
	ep, err := a.st.NewEndpoint(tcp.ProtocolNumber, proto, wq)
	if err != nil {
		return a.replyErr(r, err, "socket")
	}
	if r.port[1] != 0 {
		ep.SocketOptions().SetReuseAddress(true)
		if err := ep.Bind(tcpip.FullAddress{Port: r.port[1]}); err != nil {
			ep.Close()
			return a.replyErr(r, err, "bind")
		}
	}
	connecting := false
	if err := ep.Connect(tcpip.FullAddress{NIC: nicID, Addr: addr, Port: r.port[0]}); err != nil {
		if _, ok := err.(*tcpip.ErrConnectStarted); !ok {
			ep.Close()
			return a.replyErr(r, err, "connect")
		}
		connecting = true
	}
	lport := uint16(0)
	if la, err := ep.GetLocalAddress(); err == nil {
		lport = la.Port
	}
	c := a.addConn(ep, wq, r.port[0], lport, modeDiscard)
	c.connecting = connecting
	a.poke() // events before the wait queue entry was there
	a.reply(r, "ok")
	return true
}

var sockoptNames = []string{"nodelay", "keepalive", "keepidle", "keepintvl",
	"keepcnt", "user_timeout", "rcvbuf", "sndbuf", "linger", "cork", "oobinline"}

func checkSockopt(r *req) bool {
	for _, n := range sockoptNames {
		if n == r.str {
			return true
		}
	}
	return false
}

// bufSize is what Linux (and gVisor's sentry) make of SO_RCVBUF/SO_SNDBUF
// VALUE: the value as unsigned, capped at the maximum, doubled, at least the
// minimum.
func bufSize(v int64, min, max int64) int64 {
	n := int64(uint32(v))
	if n > max {
		n = max
	}
	if n < math.MaxInt32/2 {
		n *= 2
		if n < min {
			n = min
		}
	} else {
		n = math.MaxInt32
	}
	return n
}

// sockopt PP NAME VALUE: the option, with Linux's units and limits.
func cmdSockopt(a *agent, r *req, c *conn) bool {
	if a.replyIfClosed(r, c) {
		return true
	}
	v := r.val
	so := c.ep.SocketOptions()
	var err tcpip.Error
	inval := false
	switch r.str {
	case "nodelay":
		so.SetDelayOption(v == 0)
	case "keepalive":
		so.SetKeepAlive(v != 0)
	case "keepidle":
		opt := tcpip.KeepaliveIdleOption(time.Duration(v) * time.Second)
		inval = v < 1 || v > 32767
		if !inval {
			err = c.ep.SetSockOpt(&opt)
		}
	case "keepintvl":
		opt := tcpip.KeepaliveIntervalOption(time.Duration(v) * time.Second)
		inval = v < 1 || v > 32767
		if !inval {
			err = c.ep.SetSockOpt(&opt)
		}
	case "keepcnt":
		inval = v < 1 || v > 127
		if !inval {
			err = c.ep.SetSockOptInt(tcpip.KeepaliveCountOption, int(v))
		}
	case "user_timeout":
		opt := tcpip.TCPUserTimeoutOption(time.Duration(v) * time.Millisecond)
		inval = v < 0
		if !inval {
			err = c.ep.SetSockOpt(&opt)
		}
	case "rcvbuf":
		min, max := so.ReceiveBufferLimits()
		so.SetReceiveBufferSize(bufSize(v, min, max), true)
	case "sndbuf":
		min, max := so.SendBufferLimits()
		so.SetSendBufferSize(bufSize(v, min, max), true)
	case "linger":
		so.SetLinger(tcpip.LingerOption{Enabled: true, Timeout: time.Duration(v) * time.Second})
	case "cork":
		so.SetCorkOption(v != 0)
	case "oobinline":
		if v == 0 {
			a.reply(r, "err unsupported: netstack ignores the urgent pointer: "+
				"urgent data always stays in the stream")
			return true
		}
	}
	a.poke() // Nagle or cork off, a larger buffer: more may go now
	if inval {
		a.reply(r, "err sockopt %s: %s", r.str, strError(unix.EINVAL))
		return true
	}
	if err != nil {
		a.reply(r, "err sockopt %s: %s", r.str, tcpipStrError(err))
		return true
	}
	a.reply(r, "ok")
	return true
}

var verbs []*verb

func init() {
	verbs = []*verb{
		{name: "ping", spec: "", usage: "ping", run: cmdPing},
		{name: "quit", spec: "", usage: "quit", run: cmdQuit},
		{name: "close", spec: "P", usage: "close PP [t=MS]", wait: true, run: cmdClose},
		{name: "shutdown", spec: "PS", usage: "shutdown PP rd|wr|rdwr [t=MS]", wait: true,
			check: checkShutdown, run: cmdShutdown},
		{name: "abort", spec: "P", usage: "abort PP [t=MS]", wait: true, run: cmdAbort},
		{name: "forget", spec: "P", usage: "forget PP [t=MS]", wait: true, run: cmdForget},
		{name: "send", spec: "PN", usage: "send PP N [t=MS] (N <= 67108864)", wait: true,
			check: checkSend, run: cmdSend, expire: expireSend},
		{name: "urgent", spec: "P", usage: "urgent PP [t=MS]", wait: true,
			unsupported: "netstack has no urgent data to send (no MSG_OOB; " +
				"it never sets URG or the urgent pointer)"},
		{name: "noread", spec: "P", usage: "noread PP [t=MS]", wait: true, run: cmdReading},
		{name: "read", spec: "P", usage: "read PP [t=MS]", wait: true, run: cmdReading},
		{name: "take", spec: "PN", usage: "take PP N [t=MS]", wait: true, run: cmdTake},
		{name: "received", spec: "PN", usage: "received PP N [t=MS]", wait: true,
			run: cmdReceived, expire: expireReceived},
		{name: "eof", spec: "P", usage: "eof PP [t=MS]", wait: true, run: cmdEOF, expire: expireEOF},
		{name: "state", spec: "P", usage: "state PP", run: cmdState},
		{name: "connect", spec: "SP?P", usage: "connect ADDR PORT [LPORT]",
			check: checkConnect, run: cmdConnect},
		{name: "sockopt", spec: "PSV", usage: "sockopt PP NAME VALUE [t=MS] (NAME: nodelay " +
			"keepalive keepidle keepintvl keepcnt user_timeout rcvbuf sndbuf " +
			"linger cork oobinline)", wait: true, check: checkSockopt, run: cmdSockopt},
		{name: "info", spec: "P", usage: "info PP [t=MS]", wait: true, run: cmdInfo},
	}
	for _, v := range verbs {
		if v.expire == nil {
			v.expire = noExpire
		}
	}
}

// findVerb is the verb called @name, or nil.
func findVerb(name string) *verb {
	for _, v := range verbs {
		if v.name == name {
			return v
		}
	}
	return nil
}
