import Foundation
import ServiceLifecycle

/// Expires quotes whose hold ended and frees their units without anyone asking: a pass every
/// 200 ms of real time, each comparing the earliest open `expires_at` with the platform's clock,
/// so held units are free again well within a second after `expires_at`.
struct QuoteExpiry: Service {
    let platform: Platform
    /// Real time between passes.
    var interval: Duration = .milliseconds(200)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await platform.expireQuotes()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
