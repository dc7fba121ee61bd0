import Foundation
import SuanliClient
import SuanliCore
import Testing

/// How the client words a server it cannot reach.
@Suite("Client transport errors")
struct ClientTransportTests {
    /// A loopback port nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        #expect(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func connectionRefusedIsSaidPlainly() async throws {
        let port = try Self.closedPort()
        let client = SuanliClient(server: "http://127.0.0.1:\(port)")
        do {
            try await client.health()
            Issue.record("a closed port answered")
        } catch let error as SuanliError {
            #expect(error.code == .transport && error.status == 0)
            #expect(error.message.contains("http://127.0.0.1:\(port): connection refused;"), "\(error.message)")
            #expect(!error.message.contains("errno") && !error.message.contains("connection reset"), "\(error.message)")
            #expect(error.message.contains("suanli up"))
        }
    }
}
