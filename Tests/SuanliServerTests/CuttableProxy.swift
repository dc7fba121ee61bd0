import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on a loopback port that forwards to `target` until ``cut()`` drops every open
/// connection and every new one (accepted, then closed at once), as a failing network or
/// proxy would. ``heal()`` forwards again.
final class CuttableProxy: Sendable {
    private struct State {
        var sockets: Set<Int32> = []
        var cut = false
        var closed = false
    }

    let port: Int
    private let listener: Int32
    private let targetPort: Int
    private let state = Mutex(State())

    /// Listens on an ephemeral loopback port and forwards to `127.0.0.1:targetPort`.
    init(targetPort: Int) throws {
        self.targetPort = targetPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 128) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Drops every connection and refuses to forward until ``heal()``.
    func cut() {
        let open: Set<Int32> = state.withLock { state in
            state.cut = true
            defer { state.sockets = [] }
            return state.sockets
        }
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Forwards new connections again.
    func heal() { state.withLock { $0.cut = false } }

    /// Stops listening and drops everything.
    func close() {
        cut()
        state.withLock { $0.closed = true }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if state.withLock({ $0.closed }) { return }
                continue
            }
            if state.withLock({ $0.cut }) {
                Glibc.close(client)
                continue
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                Glibc.close(client)
                Glibc.close(upstream)
                continue
            }
            state.withLock {
                $0.sockets.insert(client)
                $0.sockets.insert(upstream)
            }
            let pair = Pair(client, upstream)
            Thread { [self] in pump(from: client, to: upstream, pair: pair) }.start()
            Thread { [self] in pump(from: upstream, to: client, pair: pair) }.start()
        }
    }

    /// The two descriptors of one forwarded connection; the second pump to finish closes both.
    private final class Pair: Sendable {
        let a: Int32
        let b: Int32
        let running = Mutex(2)
        init(_ a: Int32, _ b: Int32) {
            self.a = a
            self.b = b
        }
    }

    private func pump(from source: Int32, to destination: Int32, pair: Pair) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 || state.withLock({ $0.cut }) { break }
            var sent = 0
            while sent < count {
                let n = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            if sent < count { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
        state.withLock { state in
            state.sockets.remove(source)
            state.sockets.remove(destination)
        }
        let last = pair.running.withLock { count -> Bool in
            count -= 1
            return count == 0
        }
        if last {
            Glibc.close(pair.a)
            Glibc.close(pair.b)
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
