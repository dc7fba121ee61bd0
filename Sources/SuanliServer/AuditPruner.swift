import Foundation
import ServiceLifecycle

/// Deletes audit entries older than `--audit-retention-days` at start and then every hour.
struct AuditPruner: Service {
    let platform: Platform
    /// Seconds between passes.
    var interval: Double = 3600

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await platform.pruneAudit()
            } catch {
                platform.logger.warning("audit log pruning failed; retrying at the next pass", metadata: ["error": "\(error.message)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }
}
