import Foundation
import NIOCore
import Testing

@testable import SuanliClient

/// A request written into a pooled connection the server had already closed never reached it
/// whole: the client sends it again (a POST too). Every other transport failure is not resent.
@Suite("Client: stale pooled connections")
struct StaleConnectionTests {
    @Test func onlyAWriteIntoAClosedConnectionCountsAsStale() {
        #expect(SuanliClient.isWriteOnClosedConnection(IOError(errnoCode: EPIPE, reason: "writev(descriptor:iovecs:)")))
        #expect(SuanliClient.isWriteOnClosedConnection(IOError(errnoCode: ECONNRESET, reason: "write(descriptor:pointer:size:)")))
        // A reset while reading the answer: the server may have acted on the request.
        #expect(!SuanliClient.isWriteOnClosedConnection(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)")))
        #expect(!SuanliClient.isWriteOnClosedConnection(IOError(errnoCode: ECONNREFUSED, reason: "connect(descriptor:addr:size:)")))
        #expect(!SuanliClient.isWriteOnClosedConnection(CancellationError()))
    }
}
