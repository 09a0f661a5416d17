// Requests of tcpconform-gvisor: parsing a control line, running its verb,
// and the list of requests that wait (for a connection to appear, for bytes,
// for end of file, for output to drain) without holding up others.
package main

import (
	"math"
	"strings"
	"time"
)

// verb describes one request. spec lists its arguments: P port, N count,
// V signed value, S word; '?' makes the rest optional. check, if any,
// validates the arguments at arrival. When wait is set, the first argument
// is PP and run is called only once that connection exists; otherwise run
// gets a nil conn. run returns true once it replied, false to be called
// again after the next events; expire replies when the deadline passes while
// it waits. unsupported, if set, is the reason netstack cannot do the verb.
type verb struct {
	name, spec, usage string
	wait              bool
	check             func(r *req) bool
	run               func(a *agent, r *req, c *conn) bool
	expire            func(a *agent, r *req, c *conn)
	unsupported       string
}

// req is a parsed request; it lives on the pending list while it waits.
type req struct {
	id       string
	verb     *verb
	argv     []string
	port     [2]uint16 // P arguments
	n        uint64    // N argument
	val      int64     // V argument
	str      string    // S argument
	deadline time.Time
	serial   uint64 // bound connection, 0 = not yet
	started  bool
	target   uint64 // send: c.written to reach
}

// reply answers @r.
func (a *agent) reply(r *req, format string, args ...interface{}) {
	a.ctl.reply(r.id, format, args...)
}

// parseVal parses an optionally negative int.
func parseVal(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	v, ok := parseU64(s, math.MaxInt32)
	if neg {
		return -int64(v), ok
	}
	return int64(v), ok
}

// reqArgs fills r's typed fields from r.argv following the verb's spec.
func reqArgs(r *req) bool {
	i, np, opt := 0, 0, false
	for _, k := range r.verb.spec {
		if k == '?' {
			opt = true
			continue
		}
		if i >= len(r.argv) {
			return opt
		}
		ok := true
		switch k {
		case 'P':
			r.port[np], ok = parsePort(r.argv[i])
			np++
		case 'N':
			r.n, ok = parseU64(r.argv[i], math.MaxUint64)
		case 'V':
			r.val, ok = parseVal(r.argv[i])
		case 'S':
			r.str = r.argv[i]
		}
		if !ok {
			return false
		}
		i++
	}
	return i == len(r.argv)
}

// parse reads the tokens after the ID: verb, arguments, optional t=MS. It
// replies and returns false on a bad or unsupported verb or bad arguments.
func (a *agent) parse(r *req, tok []string, now time.Time) bool {
	ms := uint64(timeoutMS)
	if len(tok) < 1 {
		a.reply(r, "err usage: ID VERB ARGS...")
		return false
	}
	if r.verb = findVerb(tok[0]); r.verb == nil {
		a.reply(r, "err unknown verb %s", tok[0])
		return false
	}
	if r.verb.unsupported != "" {
		a.reply(r, "err unsupported: %s", r.verb.unsupported)
		return false
	}
	n := len(tok)
	if n > 1 && strings.HasPrefix(tok[n-1], "t=") {
		v, ok := parseU64(tok[n-1][2:], tMax)
		if !ok {
			a.reply(r, "err usage: t=MS (0 to %d)", tMax)
			return false
		}
		ms = v
		n--
	}
	r.argv = tok[1:n]
	if !reqArgs(r) || (r.verb.check != nil && !r.verb.check(r)) {
		a.reply(r, "err usage: %s", r.verb.usage)
		return false
	}
	r.deadline = now.Add(time.Duration(ms) * time.Millisecond)
	return true
}

// pendingFor tells whether an earlier request still waits for the
// connection from @port.
func (a *agent) pendingFor(port uint16) bool {
	for _, r := range a.pend {
		if r.verb.wait && r.serial == 0 && r.port[0] == port {
			return true
		}
	}
	return false
}

// step advances one request at @now: binds it to its connection once that
// exists, runs it, expires it. It returns true once the request replied.
func (a *agent) step(r *req, now time.Time) bool {
	var c *conn
	if r.verb.wait {
		c = a.byport[r.port[0]]
	}
	if r.serial != 0 && (c == nil || c.serial != r.serial) {
		a.reply(r, "err connection from port %d was replaced", r.port[0])
		return true
	}
	if r.verb.wait && c == nil {
		if now.Before(r.deadline) {
			return false
		}
		a.reply(r, "err no connection from port %d", r.port[0])
		return true
	}
	if c != nil {
		r.serial = c.serial
	}
	if r.verb.run(a, r, c) {
		return true
	}
	if now.Before(r.deadline) {
		return false
	}
	r.verb.expire(a, r, c)
	return true
}

// isSpace tells the separators of a request's tokens.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\r'
}

// dispatch handles one control line (without its newline): replies at once,
// or leaves the request on the pending list. Blank lines are ignored.
func (a *agent) dispatch(line string) {
	tok := strings.FieldsFunc(line, isSpace)
	if len(tok) == 0 {
		return
	}
	if strings.TrimLeft(tok[0], "0123456789") != "" || len(tok[0]) > 20 {
		a.ctl.reply("0", "err bad request")
		return
	}
	r := &req{id: tok[0]}
	if len(tok) > maxArgs {
		a.reply(r, "err usage: too many arguments")
		return
	}
	now := time.Now()
	if !a.parse(r, tok[1:], now) {
		return
	}
	if r.verb.wait && a.pendingFor(r.port[0]) {
		a.pend = append(a.pend, r)
		return
	}
	if !a.step(r, now) {
		a.pend = append(a.pend, r)
	}
}

// pendingRun advances every pending request in arrival order and drops the
// finished ones.
func (a *agent) pendingRun() {
	now := time.Now()
	keep := a.pend[:0]
	for _, r := range a.pend {
		if !a.step(r, now) {
			keep = append(keep, r)
		}
	}
	for i := len(keep); i < len(a.pend); i++ {
		a.pend[i] = nil
	}
	a.pend = keep
}

// pendingTimeout is the time until the nearest pending deadline; false when
// nothing is pending.
func (a *agent) pendingTimeout() (time.Duration, bool) {
	if len(a.pend) == 0 {
		return 0, false
	}
	now := time.Now()
	best := time.Duration(math.MaxInt64)
	for _, r := range a.pend {
		left := r.deadline.Sub(now)
		if left < 0 {
			left = 0
		}
		if left < best {
			best = left
		}
	}
	return best, true
}
