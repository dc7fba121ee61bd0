import Foundation

/// A task attempt, as the agent names the work it runs.
public struct AttemptRef: Sendable, Codable, Hashable {
    public var task: String
    public var attempt: Int
    /// The resource the agent runs this part on.
    public var resource: String

    /// Creates a reference.
    public init(task: String, attempt: Int, resource: String) {
        self.task = task
        self.attempt = attempt
        self.resource = resource
    }
}

/// `POST /v1/agent/work`: what the agent runs now, and how long it is willing to wait for news.
public struct WorkRequest: Sendable, Codable, Hashable {
    /// Every part the agent is running (so the platform can stop copies that moved elsewhere).
    public var running: [AttemptRef]
    /// Seconds to hold the request open when there is nothing to do (0–60, default 25).
    public var waitS: Double?

    enum CodingKeys: String, CodingKey {
        case running
        case waitS = "wait_s"
    }

    /// Creates a request.
    public init(running: [AttemptRef] = [], waitS: Double? = nil) {
        self.running = running
        self.waitS = waitS
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        running = try c.decodeIfPresent([AttemptRef].self, forKey: .running) ?? []
        waitS = try c.decodeIfPresent(Double.self, forKey: .waitS)
    }
}

/// One part of a placed task that a provider's agent must run.
public struct Assignment: Sendable, Codable, Hashable {
    public var task: String
    /// 1 for the first placement; increases each time the task moves after a failure.
    public var attempt: Int
    public var resource: String
    public var units: Int
    public var kind: ResourceKind
    /// Index into the task's `accept`.
    public var alternative: Int
    public var run: TaskSpec.Run
    /// The consumer's estimate, if given.
    public var durationS: Double?

    enum CodingKeys: String, CodingKey {
        case task, attempt, resource, units, kind, alternative, run
        case durationS = "duration_s"
    }

    /// Creates an assignment.
    public init(
        task: String, attempt: Int, resource: String, units: Int, kind: ResourceKind, alternative: Int, run: TaskSpec.Run,
        durationS: Double?
    ) {
        self.task = task
        self.attempt = attempt
        self.resource = resource
        self.units = units
        self.kind = kind
        self.alternative = alternative
        self.run = run
        self.durationS = durationS
    }

    /// The attempt this assignment starts.
    public var ref: AttemptRef { AttemptRef(task: task, attempt: attempt, resource: resource) }
}

/// The platform's liveness lease, which agents obey whatever their own flags say.
///
/// The platform declares a provider's work lost `lease_s` after its last contact; the agent
/// stops its own work `fence_after_s` after its last successful contact, strictly earlier, so
/// that a task never runs twice at once.
public struct Lease: Sendable, Codable, Hashable {
    /// Seconds between heartbeats the platform expects.
    public var heartbeatIntervalS: Double
    /// Seconds without contact after which the platform re-places a provider's work.
    public var leaseS: Double
    /// Seconds without contact after which the agent must stop its work (< `lease_s`).
    public var fenceAfterS: Double

    enum CodingKeys: String, CodingKey {
        case heartbeatIntervalS = "heartbeat_interval_s"
        case leaseS = "lease_s"
        case fenceAfterS = "fence_after_s"
    }

    /// The lease for a platform heartbeat interval: lost after 3 intervals, fenced after 2.
    public init(heartbeatInterval: Double) {
        self.heartbeatIntervalS = heartbeatInterval
        self.leaseS = 3 * heartbeatInterval
        self.fenceAfterS = 2 * heartbeatInterval
    }

    /// Creates a lease from its parts.
    public init(heartbeatIntervalS: Double, leaseS: Double, fenceAfterS: Double) {
        self.heartbeatIntervalS = heartbeatIntervalS
        self.leaseS = leaseS
        self.fenceAfterS = fenceAfterS
    }
}

/// The answer to `POST /v1/agent/work`.
public struct WorkResponse: Sendable, Codable, Hashable {
    /// Parts to start (sent again until the agent reports them `starting`, unless the agent
    /// lists them in `running`).
    public var assignments: [Assignment]
    /// Parts to stop at once: cancelled, or moved to another provider.
    public var cancellations: [AttemptRef]
    /// The platform's lease; the agent fences itself by it.
    public var lease: Lease?

    /// Creates a response.
    public init(assignments: [Assignment] = [], cancellations: [AttemptRef] = [], lease: Lease? = nil) {
        self.assignments = assignments
        self.cancellations = cancellations
        self.lease = lease
    }
}

/// What happened to one part on the provider's side.
public struct AttemptEvent: Sendable, Codable, Hashable {
    /// `starting`, `running`, `succeeded` or `failed`.
    public enum Phase: String, Sendable, Codable, Hashable, CaseIterable {
        case starting, running, succeeded, failed
    }

    public var task: String
    public var attempt: Int
    public var resource: String
    public var phase: Phase
    public var exitCode: Int?
    public var message: String?
    /// When the phase happened, by the agent's clock (metering uses it, corrected by the
    /// batch's `sent_at` and clamped to what the platform saw).
    public var at: Date?

    enum CodingKeys: String, CodingKey {
        case task, attempt, resource, phase, message, at
        case exitCode = "exit_code"
    }

    /// Creates an event.
    public init(
        task: String, attempt: Int, resource: String, phase: Phase, exitCode: Int? = nil, message: String? = nil,
        at: Date? = nil
    ) {
        self.task = task
        self.attempt = attempt
        self.resource = resource
        self.phase = phase
        self.exitCode = exitCode
        self.message = message
        self.at = at
    }

    /// The part this event is about.
    public var ref: AttemptRef { AttemptRef(task: task, attempt: attempt, resource: resource) }
}

/// `POST /v1/agent/events`.
public struct AttemptEventBatch: Sendable, Codable, Hashable {
    public var events: [AttemptEvent]
    /// The agent's clock when it sent the batch; with the platform's clock on arrival it gives
    /// the offset that maps the events' `at` onto the platform's clock.
    public var sentAt: Date?

    enum CodingKeys: String, CodingKey {
        case events
        case sentAt = "sent_at"
    }

    /// Creates a batch.
    public init(events: [AttemptEvent], sentAt: Date? = nil) {
        self.events = events
        self.sentAt = sentAt
    }
}

/// `POST /v1/agent/logs`: a chunk of a part's output, appended to the task's log.
public struct LogChunk: Sendable, Codable, Hashable {
    public var task: String
    public var attempt: Int
    /// `stdout` or `stderr`.
    public var stream: String
    public var data: String

    /// Creates a chunk.
    public init(task: String, attempt: Int, stream: String, data: String) {
        self.task = task
        self.attempt = attempt
        self.stream = stream
        self.data = data
    }
}

/// One metered attempt part: who used what, for how long, for how much.
public struct UsageRecord: Sendable, Codable, Hashable {
    public var task: String
    public var attempt: Int
    public var consumer: String
    public var provider: String
    public var resource: String
    public var units: Int
    public var start: Date
    public var end: Date
    /// units × whole milliseconds between start and end, in seconds (3 decimals).
    public var unitSeconds: Double
    public var priceFenPerUnitHour: Int64
    /// ⌈unit-milliseconds × price / 3,600,000⌉ in fen (integer arithmetic; a started fen is charged).
    public var amountFen: Int64

    enum CodingKeys: String, CodingKey {
        case task, attempt, consumer, provider, resource, units, start, end
        case unitSeconds = "unit_seconds"
        case priceFenPerUnitHour = "price_fen_per_unit_hour"
        case amountFen = "amount_fen"
    }

    /// Meters a part from its start to its end at its price.
    public init(
        task: String, attempt: Int, consumer: String, provider: String, resource: String, units: Int, start: Date, end: Date,
        priceFenPerUnitHour: Int64
    ) {
        self.task = task
        self.attempt = attempt
        self.consumer = consumer
        self.provider = provider
        self.resource = resource
        self.units = units
        self.start = start
        self.end = end
        self.priceFenPerUnitHour = priceFenPerUnitHour
        // Saturating throughout: no duration, unit count or price can trap the platform.
        let seconds = end.timeIntervalSince1970 - start.timeIntervalSince1970
        let millisD = seconds.isFinite ? (seconds * 1000).rounded() : 0
        let millis = Int64(max(0, min(millisD, 9.0e18)))
        let (unitMillis, overflow) = millis.multipliedReportingOverflow(by: Int64(max(0, units)))
        let saturated = overflow ? Int64.max : unitMillis
        self.unitSeconds = Double(saturated) / 1000
        self.amountFen = UsageRecord.amount(unitMillis: saturated, priceFenPerUnitHour: priceFenPerUnitHour)
    }

    /// ⌈unitMillis × price / 3,600,000⌉, exactly, in integers; `Int64.max` when it does not fit.
    public static func amount(unitMillis: Int64, priceFenPerUnitHour: Int64) -> Int64 {
        guard unitMillis > 0, priceFenPerUnitHour > 0 else { return 0 }
        let product = unitMillis.multipliedFullWidth(by: priceFenPerUnitHour)
        // The quotient fits in Int64 exactly when the high word is below half the divisor.
        guard product.high < 1_800_000 else { return .max }
        let (quotient, remainder) = Int64(3_600_000).dividingFullWidth(product)
        return remainder > 0 && quotient < .max ? quotient + 1 : quotient
    }
}

/// `GET /v1/usage`: metered parts and their totals.
public struct UsageReport: Sendable, Codable, Hashable {
    public struct Totals: Sendable, Codable, Hashable {
        public var parts: Int
        public var unitSeconds: Double
        public var amountFen: Int64

        enum CodingKeys: String, CodingKey {
            case parts
            case unitSeconds = "unit_seconds"
            case amountFen = "amount_fen"
        }

        /// Creates totals.
        public init(parts: Int, unitSeconds: Double, amountFen: Int64) {
            self.parts = parts
            self.unitSeconds = unitSeconds
            self.amountFen = amountFen
        }
    }

    public var items: [UsageRecord]
    public var totals: Totals

    /// Creates a report from its items.
    public init(items: [UsageRecord]) {
        self.items = items
        self.totals = Totals(
            parts: items.count, unitSeconds: (items.reduce(0) { $0 + $1.unitSeconds } * 1000).rounded() / 1000,
            amountFen: items.reduce(Int64(0)) { total, item in
                let (sum, overflow) = total.addingReportingOverflow(item.amountFen)
                return overflow ? .max : sum
            })
    }
}

/// `GET /v1/whoami`: the caller as the platform sees it.
public struct WhoAmI: Sendable, Codable, Hashable {
    /// `operator`, `provider`, `consumer` or `anonymous`.
    public var kind: String
    /// The provider prefix or consumer id, if any.
    public var id: String?
    /// The platform's own prefix.
    public var platform: String

    /// Creates an answer.
    public init(kind: String, id: String?, platform: String) {
        self.kind = kind
        self.id = id
        self.platform = platform
    }
}
