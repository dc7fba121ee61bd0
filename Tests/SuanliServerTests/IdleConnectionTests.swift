import Foundation
import SuanliClient
import SuanliCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Idle, partial and slowloris connections are closed after the idle timeout, and the server
/// keeps answering meanwhile (issue 7, defect 4).
@Suite("Idle and slow connections are closed")
struct IdleConnectionTests {
    /// A raw loopback TCP connection.
    final class RawConnection {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard fd >= 0, result == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 0, tv_usec: 10_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        }

        /// Whether the server closed the connection (EOF or reset), without waiting long.
        var closedByServer: Bool {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 { continue }  // an error response before the close
                return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
            }
        }

        deinit { close(fd) }
    }

    @Test func idlePartialAndSlowConnectionsAreClosedWhileTheServerAnswers() async throws {
        try await TestPlatform.with(idleTimeout: 0.5) { platform in
            var idle: [RawConnection] = []
            for _ in 0..<300 { idle.append(try RawConnection(port: platform.port)) }
            var partial: [RawConnection] = []
            for _ in 0..<60 {
                let connection = try RawConnection(port: platform.port)
                connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
                partial.append(connection)
            }
            var slow: [RawConnection] = []
            for _ in 0..<5 {
                let connection = try RawConnection(port: platform.port)
                connection.send("POST /v1/tasks HTTP/1.1\r\n")
                slow.append(connection)
            }
            // The slowloris clients trickle a header byte every 100 ms; the server answers /healthz throughout.
            // The client's own pooled connection idles too: on a loaded machine the server may
            // close it (after 0.5 s) just as the client reuses it, which a client retries once.
            let client = platform.anonymous
            func health() async throws {
                do { try await client.health() } catch let error as ClientError where error.status == 0 {
                    try await client.health()
                }
            }
            for round in 0..<25 {
                for connection in slow { connection.send(round % 2 == 0 ? "X" : "-") }
                try await health()
                try await Task.sleep(for: .milliseconds(100))
            }
            let stillOpen = (idle + partial + slow).filter { !$0.closedByServer }.count
            #expect(stillOpen == 0, "\(stillOpen) of \(idle.count + partial.count + slow.count) connections still open")
            try await health()
        }
    }
}
