//go:build unix

package panelclient

import (
	"crypto/tls"
	"net"
	"syscall"
)

// connAlive reports whether an idle connection can carry a request: the
// server has neither closed it nor sent anything on it unasked. It peeks
// at the socket without waiting, one system call.
func connAlive(conn net.Conn) bool {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	alive := false
	err = raw.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		// Nothing to read yet is the only state of a healthy idle
		// connection. A read that succeeds finds the server's close
		// (no bytes) or bytes nobody asked for.
		alive = rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK
		return true
	})
	return err == nil && alive
}
