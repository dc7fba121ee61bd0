/// The leader lease's decisions as a pure state machine: no I/O and no clock of its own (times
/// are seconds on a monotonic clock the caller reads), so every transition is unit-tested with
/// a manual clock — the shape of postgres-nio's connection-pool state machine.
///
/// Every instance runs one. Each ``renewInterval`` (a third of the lease) the instance sends one
/// *attempt* to the database (``ClusterDatabase/attempt(instance:url:generation:lease:)``), which
/// atomically renews the lease it holds (same generation), or takes a lease that has expired
/// (generation + 1), or reports who holds it; ``attempted(sentAt:outcome:)`` turns the outcome
/// into an ``Action``. A leader counts its lease from the moment it *sent* the attempt that
/// renewed it (the database counts from later), so it gives up (``tick(now:)``) before any
/// standby may take over; the generation check in every store transaction (fencing) covers the
/// rest.
public struct LeaderLease: Sendable, Equatable {
    /// What this instance is.
    public enum Role: Sendable, Equatable {
        /// Forwards requests to ``LeaderLease/leader`` (if known).
        case standby
        /// Holds the lease of this generation and runs the platform.
        case leader(generation: Int64)
    }

    /// What one attempt found.
    public enum Outcome: Sendable, Equatable {
        /// This instance holds the lease with this generation (renewed or taken).
        case held(generation: Int64)
        /// Another instance holds an unexpired lease.
        case heldByOther(instance: String, url: String, generation: Int64)
        /// The database could not be asked (unreachable, timed out, an error).
        case failed
    }

    /// What the caller must do.
    public enum Action: Sendable, Equatable {
        /// Nothing changes.
        case none
        /// Open the platform from the database and serve as the leader of `generation`.
        case lead(generation: Int64)
        /// Stop serving as leader of `generation` at once (forward from now on).
        case stepDown(generation: Int64)
    }

    /// The lease's length in seconds.
    public let duration: Double
    /// This instance's role.
    public private(set) var role: Role = .standby
    /// Until when (monotonic seconds) the lease is known to be held, while leader.
    public private(set) var validUntil: Double?
    /// The leader's instance id as last seen while standby.
    public private(set) var leaderID: String?
    /// The leader's URL as last seen while standby.
    public private(set) var leaderURL: String?

    /// A standby with a lease of `duration` seconds.
    public init(duration: Double) {
        precondition(duration > 0, "a lease lasts some time")
        self.duration = duration
    }

    /// Seconds between attempts: a third of the lease, so two attempts may fail before it expires.
    public var renewInterval: Double { duration / 3 }

    /// The generation to renew (the one held), or `nil` when only an expired lease may be taken.
    public var heldGeneration: Int64? {
        if case .leader(let generation) = role { return generation }
        return nil
    }

    /// The URL to forward requests to: the leader's, while standby and one is known.
    public var forwardURL: String? {
        if case .standby = role { return leaderURL }
        return nil
    }

    /// Takes the outcome of an attempt sent at `sentAt`.
    public mutating func attempted(sentAt: Double, outcome: Outcome) -> Action {
        switch (role, outcome) {
        case (.standby, .held(let generation)):
            role = .leader(generation: generation)
            validUntil = sentAt + duration
            leaderID = nil
            leaderURL = nil
            return .lead(generation: generation)
        case (.leader(let held), .held(let generation)) where generation == held:
            validUntil = max(validUntil ?? sentAt, sentAt + duration)
            return .none
        case (.leader(let held), .held):
            // Held under another generation: someone led in between; the platform in memory is stale.
            return stepDown(held)
        case (.leader(let held), .heldByOther(let instance, let url, _)):
            (leaderID, leaderURL) = (instance, url)
            return stepDown(held)
        case (.standby, .heldByOther(let instance, let url, _)):
            (leaderID, leaderURL) = (instance, url)
            return .none
        case (_, .failed):
            return .none
        }
    }

    /// Checks the lease's validity at `now`: a leader whose lease ran out without a renewal steps down.
    public mutating func tick(now: Double) -> Action {
        guard case .leader(let held) = role, let validUntil, now >= validUntil else { return .none }
        return stepDown(held)
    }

    /// Gives the lease up (graceful shutdown, or the platform could not be opened).
    public mutating func resign() -> Action {
        guard case .leader(let held) = role else { return .none }
        return stepDown(held)
    }

    private mutating func stepDown(_ generation: Int64) -> Action {
        role = .standby
        validUntil = nil
        return .stepDown(generation: generation)
    }
}
