import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SuanliCore
import SuanliServer

/// What a leader runs: the platform opened from the database, with its modules.
public struct LeaderRuntime: Sendable {
    /// The platform, loaded from the database.
    public var platform: Platform
    /// Its modules (dashboard, metrics, instances, …).
    public var modules: [any PlatformModule]
    /// Services besides the platform's and the modules' (e.g. the store's connection pool).
    public var services: [any Service]
    /// Called after the platform's services stopped (e.g. to close the store).
    public var close: @Sendable () async -> Void

    /// Creates a runtime.
    public init(
        platform: Platform, modules: [any PlatformModule], services: [any Service] = [],
        close: @escaping @Sendable () async -> Void = {}
    ) {
        self.platform = platform
        self.modules = modules
        self.services = services
        self.close = close
    }
}

/// The identity of one instance in the cluster.
public enum ClusterIdentity {
    /// A new random instance id, e.g. `i-3f9c2a61b0d4`.
    public static func newInstanceID() -> String {
        "i-" + (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

/// One instance of a platform shared through PostgreSQL (a `Service`): it heartbeats in
/// `suanli_instances`, campaigns for the leader lease (``LeaderLease``), and while it leads it
/// opens the platform from the database and runs it (HTTP through ``ClusterResponder``, and the
/// platform's background services); while it does not, it forwards every request to the leader.
///
/// Leading ends when a renewal finds another generation or holder, when the lease runs out
/// without a renewal, or at graceful shutdown (which writes what is pending, then releases the
/// lease so a standby takes over at its next attempt).
public final class ClusterNode: Service, Sendable {
    /// This instance's id.
    public let instanceID: String
    /// When it started.
    public let startedAt: Date
    let database: ClusterDatabase
    let leaseDuration: Double
    let responder: ClusterResponder
    let publicURL: String?
    let openLeader: @Sendable (_ generation: Int64) async throws -> LeaderRuntime
    let logger: Logger
    /// The URL once known (given, or from the bound port).
    let url: AsyncStream<String>
    let urlContinuation: AsyncStream<String>.Continuation

    enum Command: Sendable {
        case lead(generation: Int64)
        /// Stop leading; `release`: also end the lease at once (graceful shutdown).
        case stepDown(release: Bool)
    }

    /// An instance campaigning with a lease of `leaseDuration` seconds; `openLeader` opens the
    /// platform whenever this instance takes the lease (its store must fence with `generation`,
    /// see ``ClusterDatabase/fence(instance:generation:lease:on:logger:)``).
    public init(
        instanceID: String = ClusterIdentity.newInstanceID(), database: ClusterDatabase, leaseDuration: Double,
        responder: ClusterResponder, publicURL: String?, logger: Logger,
        openLeader: @escaping @Sendable (_ generation: Int64) async throws -> LeaderRuntime
    ) {
        self.instanceID = instanceID
        self.startedAt = Date()
        self.database = database
        self.leaseDuration = leaseDuration
        self.responder = responder
        self.publicURL = publicURL
        self.logger = logger
        self.openLeader = openLeader
        (url, urlContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells the node the port the server listens on (its URL, unless `--public-url` gave one).
    public func listening(host: String, port: Int) {
        let listenHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        urlContinuation.yield(publicURL ?? "http://\(listenHost):\(port)")
        urlContinuation.finish()
    }

    /// Waits for the listening URL, then campaigns and serves until graceful shutdown.
    public func run() async throws {
        var urls = url.makeAsyncIterator()
        guard let url = await urls.next() else { return }
        try await database.prepare()
        logger.info("cluster instance started", metadata: ["instance": "\(instanceID)", "url": "\(url)"])
        let (commands, continuation) = AsyncStream.makeStream(of: Command.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.campaign(url: url, commands: continuation) }
            await self.serve(commands)
            try await group.waitForAll()
        }
        try? await database.forget(instance: instanceID)
    }

    /// The lease loop: one attempt and one heartbeat per renew interval until graceful shutdown.
    func campaign(url: String, commands: AsyncStream<Command>.Continuation) async {
        var lease = LeaderLease(duration: leaseDuration)
        let origin = ContinuousClock.now
        func seconds() -> Double {
            let elapsed = ContinuousClock.now - origin
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        var attempts = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let sentAt = seconds()
            let outcome: LeaderLease.Outcome
            // A leader must decide before its lease runs out, however slow the database is.
            let patience = max(0.05, min(lease.renewInterval, (lease.validUntil ?? .infinity) - seconds()))
            do {
                outcome = try await Self.within(seconds: patience) { [database, instanceID, leaseDuration, held = lease.heldGeneration] in
                    try await database.attempt(instance: instanceID, url: url, generation: held, lease: leaseDuration)
                } ?? .failed
            } catch {
                logger.warning("the leader lease could not be checked", metadata: ["error": "\(String(reflecting: error))"])
                outcome = .failed
            }
            perform(lease.attempted(sentAt: sentAt, outcome: outcome), lease: lease, commands: commands)
            perform(lease.tick(now: seconds()), lease: lease, commands: commands)
            do {
                // Bounded like the attempt, so that a leader checks its lease on time.
                attempts += 1
                let prune = lease.heldGeneration != nil && attempts % 100 == 1
                let patience = max(0.05, min(lease.renewInterval, (lease.validUntil ?? .infinity) - seconds()))
                _ = try await Self.within(seconds: patience) { [database, instanceID, startedAt] in
                    try await database.heartbeat(instance: instanceID, url: url, startedAt: startedAt)
                    if prune { try await database.forget() }
                }
            } catch {
                logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
            }
            // Sleep until the next attempt, waking at the lease's end if that comes first.
            let untilExpiry = lease.validUntil.map { $0 - seconds() } ?? .infinity
            let pause = max(0.01, min(lease.renewInterval, untilExpiry))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(pause)) }
            perform(lease.tick(now: seconds()), lease: lease, commands: commands)
        }
        perform(lease.resign(), lease: lease, commands: commands, release: true)
        commands.finish()
    }

    /// `body`'s result, or `nil` when it takes longer than `seconds` (it is then cancelled).
    static func within<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    private func perform(
        _ action: LeaderLease.Action, lease: LeaderLease, commands: AsyncStream<Command>.Continuation, release: Bool = false
    ) {
        switch action {
        case .none:
            // A row that still names this instance (a renewal whose answer was lost) is nobody to forward to.
            if case .standby = lease.role { responder.forward(to: lease.leaderID == instanceID ? nil : lease.forwardURL) }
        case .lead(let generation):
            logger.notice("took the leader lease; opening the platform", metadata: ["generation": "\(generation)"])
            responder.starting(generation: generation)
            commands.yield(.lead(generation: generation))
        case .stepDown(let generation):
            logger.notice(
                "no longer the leader; forwarding requests",
                metadata: ["generation": "\(generation)", "leader": "\(lease.forwardURL ?? "unknown")"])
            responder.forward(to: lease.leaderID == instanceID ? nil : lease.forwardURL)
            commands.yield(.stepDown(release: release))
        }
    }

    /// Runs the platform for each leadership, until the commands end.
    func serve(_ commands: AsyncStream<Command>) async {
        var iterator = commands.makeAsyncIterator()
        while let command = await iterator.next() {
            guard case .lead(let generation) = command else { continue }
            let runtime: LeaderRuntime
            do {
                runtime = try await openLeader(generation)
            } catch {
                logger.error(
                    "the platform could not be opened; giving the lease up",
                    metadata: ["generation": "\(generation)", "error": "\(error)"])
                try? await database.release(instance: instanceID, generation: generation)
                continue
            }
            let router = APIRouter.make(platform: runtime.platform, logger: logger, modules: runtime.modules)
            guard responder.lead(generation: generation, with: router.buildResponder()) else {
                await runtime.close()
                continue
            }
            logger.notice("leading the platform", metadata: ["generation": "\(generation)"])
            let services = ServiceGroup(
                configuration: .init(
                    services: runtime.services + runtime.platform.services + runtime.modules.flatMap(\.services),
                    gracefulShutdownSignals: [], logger: logger))
            let logger = self.logger
            let release = await withTaskGroup(of: Void.self, returning: Bool.self) { group in
                group.addTask {
                    do {
                        try await services.run()
                    } catch {
                        logger.error("the platform's services failed", metadata: ["error": "\(error)"])
                    }
                }
                var release = true  // the commands ended: shutting down
                while let next = await iterator.next() {
                    if case .stepDown(let releasing) = next {
                        release = releasing
                        break
                    }
                }
                await services.triggerGracefulShutdown()
                await group.waitForAll()
                return release
            }
            await runtime.close()
            // After the committer wrote what was pending: a standby may take over at once.
            if release { try? await database.release(instance: instanceID, generation: generation) }
        }
    }
}
