import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking TCP connections to 127.0.0.1, for tests that send bytes no HTTP client would.
/// Call from a thread pool (NIOThreadPool, a dispatch queue), never the cooperative pool.
enum LoopbackSocket {
    /// Seconds a test waits for an answer or a close before it calls the server hung: long
    /// enough for a loaded CI machine (5 s once timed out an ordinary submission there).
    static let patience = 30

    /// A connected socket to `port` with send and receive timeouts of `timeout` seconds.
    static func connect(port: Int, timeout: Int) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketFailure("socket: errno \(errno)") }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let failure = SocketFailure("connect: errno \(errno)")
            close(fd)
            throw failure
        }
        return fd
    }

    /// Sends `bytes` until all are sent or the peer stops taking them; returns how many went.
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Int {
        var sent = 0
        while sent < bytes.count {
            #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, flags) }
            if n <= 0 { break }
            sent += n
        }
        return sent
    }
}
