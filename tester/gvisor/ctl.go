// The control channel of tcpconform-gvisor: a reader goroutine that cuts the
// input into lines, and a writer goroutine that sends the replies in order.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// ctlLine is one input line; tooLong marks a line over lineMax bytes.
type ctlLine struct {
	text    string
	tooLong bool
}

type ctl struct {
	lines chan ctlLine  // closed at end of input
	dead  chan struct{} // closed when a reply cannot be written
	mu    sync.Mutex
	cond  *sync.Cond
	queue [][]byte // replies not yet written
	busy  bool     // the writer holds replies taken off the queue
	out   io.Writer
}

func newCtl(in, out *os.File) *ctl {
	c := &ctl{lines: make(chan ctlLine, 64), dead: make(chan struct{}), out: out}
	c.cond = sync.NewCond(&c.mu)
	go c.readLoop(in)
	go c.writeLoop()
	return c
}

// readLoop hands every complete line to the loop; a line longer than lineMax
// is reported once and skipped up to its newline. An unfinished last line is
// dropped.
func (c *ctl) readLoop(in io.Reader) {
	r := bufio.NewReaderSize(in, 4096)
	var cur []byte
	skipping := false
	for {
		chunk, err := r.ReadSlice('\n')
		if n := len(chunk); n > 0 && chunk[n-1] == '\n' {
			if !skipping {
				cur = append(cur, chunk[:n-1]...)
				c.lines <- ctlLine{text: string(cur), tooLong: len(cur) > lineMax}
			}
			skipping = false
			cur = cur[:0]
		} else if !skipping {
			cur = append(cur, chunk...)
			if len(cur) > lineMax {
				c.lines <- ctlLine{tooLong: true}
				skipping = true
				cur = cur[:0]
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			if err != io.EOF {
				fmt.Fprintf(os.Stderr, "%s: control channel read: %v\n", prog, err)
			}
			close(c.lines)
			return
		}
	}
}

// writeLoop writes the queued replies until one cannot be written.
func (c *ctl) writeLoop() {
	for {
		c.mu.Lock()
		for len(c.queue) == 0 {
			c.busy = false
			c.cond.Broadcast()
			c.cond.Wait()
		}
		q := c.queue
		c.queue = nil
		c.busy = true
		c.mu.Unlock()
		var buf []byte
		for _, l := range q {
			buf = append(buf, l...)
		}
		if _, err := c.out.Write(buf); err != nil {
			close(c.dead)
			return
		}
	}
}

// reply queues the line "ID TEXT"; over-long texts are cut.
func (c *ctl) reply(id, format string, args ...interface{}) {
	line := id + " " + fmt.Sprintf(format, args...)
	if len(line) > 2*lineMax-1 {
		line = line[:2*lineMax-1]
	}
	c.mu.Lock()
	c.queue = append(c.queue, []byte(line+"\n"))
	c.cond.Broadcast()
	c.mu.Unlock()
}

// drain waits up to @d for the queued replies to be written.
func (c *ctl) drain(d time.Duration) {
	done := make(chan struct{})
	go func() {
		c.mu.Lock()
		for len(c.queue) > 0 || c.busy {
			c.cond.Wait()
		}
		c.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
	case <-c.dead:
	case <-time.After(d):
	}
}
