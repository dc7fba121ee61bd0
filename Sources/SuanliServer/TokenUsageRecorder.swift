import Foundation
import ServiceLifecycle

/// Stores tokens' in-memory `last_used_at` every minute, and once more at shutdown, so that
/// authentication never writes to the database.
struct TokenUsageRecorder: Service {
    let platform: Platform
    /// Seconds between writes: the granularity of the stored `last_used_at`.
    var interval: Double = 60

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            do {
                try await platform.saveTokenUsage()
            } catch {
                platform.logger.warning("tokens' last use not stored; retrying in a minute", metadata: ["error": "\(error.message)"])
            }
        }
    }
}
