// Netstack's errors as the errno a socket would give, so that replies read as
// tcpconform-agent's do: "ECONNRESET" in names, strerror() texts in messages.
package main

import (
	"strings"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// errnoOf maps a netstack error to the errno a Linux socket reports for it.
func errnoOf(err tcpip.Error) unix.Errno {
	switch err.(type) {
	case nil:
		return 0
	case *tcpip.ErrConnectionReset:
		return unix.ECONNRESET
	case *tcpip.ErrConnectionRefused:
		return unix.ECONNREFUSED
	case *tcpip.ErrTimeout:
		return unix.ETIMEDOUT
	case *tcpip.ErrConnectionAborted:
		return unix.ECONNABORTED
	case *tcpip.ErrAborted: // a reset in CLOSE-WAIT: EPIPE, as on Linux
		return unix.EPIPE
	case *tcpip.ErrNetworkUnreachable:
		return unix.ENETUNREACH
	case *tcpip.ErrHostUnreachable:
		return unix.EHOSTUNREACH
	case *tcpip.ErrNotPermitted:
		return unix.EPERM
	case *tcpip.ErrClosedForSend:
		return unix.EPIPE
	case *tcpip.ErrNotConnected:
		return unix.ENOTCONN
	case *tcpip.ErrPortInUse:
		return unix.EADDRINUSE
	case *tcpip.ErrBadLocalAddress:
		return unix.EADDRNOTAVAIL
	case *tcpip.ErrNoPortAvailable, *tcpip.ErrWouldBlock:
		return unix.EAGAIN
	case *tcpip.ErrAlreadyConnected:
		return unix.EISCONN
	case *tcpip.ErrAlreadyConnecting:
		return unix.EALREADY
	case *tcpip.ErrConnectStarted:
		return unix.EINPROGRESS
	case *tcpip.ErrNoBufferSpace:
		return unix.ENOBUFS
	case *tcpip.ErrMessageTooLong:
		return unix.EMSGSIZE
	case *tcpip.ErrNotSupported:
		return unix.EOPNOTSUPP
	case *tcpip.ErrUnknownProtocolOption:
		return unix.ENOPROTOOPT
	case *tcpip.ErrAddressFamilyNotSupported:
		return unix.EAFNOSUPPORT
	case *tcpip.ErrInvalidEndpointState, *tcpip.ErrInvalidOptionValue,
		*tcpip.ErrAlreadyBound, *tcpip.ErrUnknownProtocol:
		return unix.EINVAL
	default:
		return unix.EIO
	}
}

// errName is the symbolic name of @e ("ECONNRESET"), "none" for 0.
func errName(e unix.Errno) string {
	if e == 0 {
		return "none"
	}
	if s := unix.ErrnoName(e); s != "" {
		return s
	}
	return "EUNKNOWN"
}

// strError is strerror(@e): Go's text with its first letter raised.
func strError(e unix.Errno) string {
	s := e.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// tcpipStrError is strerror() of the errno of @err.
func tcpipStrError(err tcpip.Error) string {
	return strError(errnoOf(err))
}
