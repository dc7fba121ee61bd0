import Foundation

/// What a consumer asks for (`POST /v1/tasks`): units of compute on any of several
/// architectures, near its data, within budget, as green as asked.
///
/// JSON keys are snake_case as in `docs/scheduling.md`; `gang` defaults to `true` and
/// `objective` to ``Objective/default``. ``validate(topology:)`` names the first bad field.
public struct TaskSpec: Sendable, Codable, Hashable {
    /// A display name chosen by the consumer.
    public var name: String
    /// The consumer that owns the task; the server sets it from the token and ignores what clients send.
    public var consumer: String?
    /// Higher runs first; ties wait in submission order.
    public var priority: Int
    /// A queued task that has not started by this time is dropped (state `expired`).
    public var deadline: Date?
    /// How many units (accelerators, or cores for CPU) the task needs.
    public var units: Int
    /// `true` (default): all units on one resource; `false`: may be split over several resources of any providers.
    public var gang: Bool
    /// The same job built for different chips; the placement names the index it used.
    public var accept: [Alternative]
    /// The location code of the task's data; latency is measured from here.
    public var dataLocation: String?
    /// Largest round-trip time from `data_location` to the resource, in ms (needs `data_location`).
    public var maxRttMs: Double?
    /// Highest acceptable price per unit-hour, in fen.
    public var maxPriceFenPerUnitHour: Int64?
    /// Lowest acceptable renewable-energy share of the resource (0…1).
    public var minRenewable: Double?
    /// Lowest acceptable reliability score of the resource's provider (0…1, ``ProviderReliability``).
    public var minReliability: Double? = nil
    /// Estimated run time in seconds; used for backfilling and by the simulator.
    public var durationS: Double?
    /// Whether the task may be preempted: it pays a `spot` resource's spot price and gives its
    /// units up (SIGTERM, notice, requeue) when a non-preemptible task needs them.
    public var preemptible: Bool? = nil
    /// How many times the task may move to another provider after its provider vanished
    /// (default ``defaultMaxRetries``).
    public var maxRetries: Int?

    /// Retries when `max_retries` is not given.
    public static let defaultMaxRetries = 2
    /// How to trade price, latency and carbon against each other.
    public var objective: Objective

    /// One way to run the task: a kind of resource, optionally narrowed, and what to execute there.
    public struct Alternative: Sendable, Codable, Hashable {
        public var kind: ResourceKind
        /// Required architecture (e.g. `x86_64`, `aarch64`); any if absent.
        public var arch: String?
        /// Required hardware model, exactly as registered (e.g. `Huawei Ascend 910B`); any if absent.
        public var model: String?
        /// Minimum memory per unit in GiB.
        public var minMemoryGiB: Double?
        /// What the agent executes for this alternative.
        public var run: Run

        enum CodingKeys: String, CodingKey {
            case kind, arch, model, run
            case minMemoryGiB = "min_memory_gib"
        }

        /// Creates an alternative.
        public init(kind: ResourceKind, arch: String? = nil, model: String? = nil, minMemoryGiB: Double? = nil, run: Run = Run())
        {
            self.kind = kind
            self.arch = arch
            self.model = model
            self.minMemoryGiB = minMemoryGiB
            self.run = run
        }
    }

    /// A command and its environment (`{"command":[…],"env":{…}}`).
    public struct Run: Sendable, Codable, Hashable {
        /// The program and its arguments.
        public var command: [String]
        /// Environment variables.
        public var env: [String: String]

        /// Creates a run description.
        public init(command: [String] = ["true"], env: [String: String] = [:]) {
            self.command = command
            self.env = env
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            command = try c.decode([String].self, forKey: .command)
            env = try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:]
        }
    }

    /// Weights of the placement cost: `price·(price / cheapest) + latency·(rtt / 20 ms) + carbon·(1 − renewable)`.
    ///
    /// Each weight is ≥ 0 and at least one is positive. With one positive weight the placement
    /// is exactly the best feasible option on that criterion. Missing weights decode as 0
    /// when the object is given; a missing object is ``default``.
    public struct Objective: Sendable, Codable, Hashable {
        public var price: Double
        public var latency: Double
        public var carbon: Double

        /// The default: mostly price, with 20 ms of RTT or a fully fossil supply each worth a 25% higher price.
        public static let `default` = Objective(price: 1, latency: 0.25, carbon: 0.25)
        /// Cheapest price per unit-hour.
        public static let cheapest = Objective(price: 1, latency: 0, carbon: 0)
        /// Lowest RTT from the data location.
        public static let closest = Objective(price: 0, latency: 1, carbon: 0)
        /// Highest renewable share.
        public static let greenest = Objective(price: 0, latency: 0, carbon: 1)

        /// The cost per unit of an option (docs/scheduling.md, "Cost model"), prices relative to `reference` (at least 1 fen).
        public func unitCost(priceFenPerUnitHour price: Int64, reference: Int64, rttMs: Double?, renewable: Double) -> Double {
            self.price * Double(price) / Double(max(1, reference)) + latency * (rttMs ?? 0) / 20 + carbon * (1 - renewable)
        }

        /// Creates an objective.
        public init(price: Double, latency: Double, carbon: Double) {
            self.price = price
            self.latency = latency
            self.carbon = carbon
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            price = try c.decodeIfPresent(Double.self, forKey: .price) ?? 0
            latency = try c.decodeIfPresent(Double.self, forKey: .latency) ?? 0
            carbon = try c.decodeIfPresent(Double.self, forKey: .carbon) ?? 0
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, consumer, priority, deadline, units, gang, accept, objective
        case dataLocation = "data_location"
        case maxRttMs = "max_rtt_ms"
        case maxPriceFenPerUnitHour = "max_price_fen_per_unit_hour"
        case minRenewable = "min_renewable"
        case minReliability = "min_reliability"
        case durationS = "duration_s"
        case maxRetries = "max_retries"
        case preemptible
    }

    /// Creates a task spec.
    public init(
        name: String, consumer: String? = nil, priority: Int = 0, deadline: Date? = nil, units: Int, gang: Bool = true,
        accept: [Alternative], dataLocation: String? = nil, maxRttMs: Double? = nil,
        maxPriceFenPerUnitHour: Int64? = nil, minRenewable: Double? = nil, durationS: Double? = nil, maxRetries: Int? = nil,
        objective: Objective = .default
    ) {
        self.name = name
        self.consumer = consumer
        self.priority = priority
        self.deadline = deadline
        self.units = units
        self.gang = gang
        self.accept = accept
        self.dataLocation = dataLocation
        self.maxRttMs = maxRttMs
        self.maxPriceFenPerUnitHour = maxPriceFenPerUnitHour
        self.minRenewable = minRenewable
        self.durationS = durationS
        self.maxRetries = maxRetries
        self.objective = objective
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        consumer = try c.decodeIfPresent(String.self, forKey: .consumer)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        deadline = try c.decodeIfPresent(Date.self, forKey: .deadline)
        units = try c.decode(Int.self, forKey: .units)
        gang = try c.decodeIfPresent(Bool.self, forKey: .gang) ?? true
        accept = try c.decode([Alternative].self, forKey: .accept)
        dataLocation = try c.decodeIfPresent(String.self, forKey: .dataLocation)
        maxRttMs = try c.decodeIfPresent(Double.self, forKey: .maxRttMs)
        maxPriceFenPerUnitHour = try c.decodeIfPresent(Int64.self, forKey: .maxPriceFenPerUnitHour)
        minRenewable = try c.decodeIfPresent(Double.self, forKey: .minRenewable)
        minReliability = try c.decodeIfPresent(Double.self, forKey: .minReliability)
        durationS = try c.decodeIfPresent(Double.self, forKey: .durationS)
        maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries)
        preemptible = try c.decodeIfPresent(Bool.self, forKey: .preemptible)
        objective = try c.decodeIfPresent(Objective.self, forKey: .objective) ?? .default
    }

    /// Limits enforced by ``validate(topology:)``.
    public enum Limits {
        /// Most alternatives in `accept`.
        public static let maxAlternatives = 16
        /// Most units one task may ask for.
        public static let maxUnits = 1_000_000
        /// Largest absolute priority.
        public static let maxPriority = 1_000_000
        /// Longest `duration_s` (one year).
        public static let maxDurationS = 366.0 * 86_400
        /// Most arguments in `run.command`.
        public static let maxCommandArguments = 256
        /// Most entries in `run.env`.
        public static let maxEnvEntries = 128
        /// Largest objective weight.
        public static let maxWeight = 1_000.0
    }

    /// Checks every field, naming the first that is wrong (e.g. `accept[1].kind`, `objective.price`).
    ///
    /// Pass `now` to also reject a `deadline` that has already passed.
    public func validate(topology: Topology, now: Date? = nil) throws(ValidationError) {
        try Validation.text(name, field: "name", maxLength: 200)
        if let consumer { try Validation.text(consumer, field: "consumer", maxLength: 200) }
        // A range check, not `abs(priority)`: abs(Int.min) traps.
        guard (-Limits.maxPriority...Limits.maxPriority).contains(priority) else {
            throw ValidationError(
                field: "priority", "priority must be between -\(Limits.maxPriority) and \(Limits.maxPriority), got \(priority)")
        }
        if let deadline {
            guard Timestamp.isRepresentable(deadline) else {
                throw ValidationError(
                    field: "deadline",
                    "deadline must lie between \(Timestamp.format(Timestamp.earliest)) and \(Timestamp.format(Timestamp.latest))")
            }
            if let now, deadline <= now {
                throw ValidationError(field: "deadline", "deadline \(Timestamp.format(deadline)) has already passed")
            }
        }
        guard (1...Limits.maxUnits).contains(units) else {
            throw ValidationError(field: "units", "units must be between 1 and \(Limits.maxUnits), got \(units)")
        }
        guard !accept.isEmpty else {
            throw ValidationError(
                field: "accept",
                "accept must list at least one alternative, e.g. [{\"kind\":\"gpu\",\"run\":{\"command\":[\"python\",\"train.py\"]}}]"
            )
        }
        guard accept.count <= Limits.maxAlternatives else {
            throw ValidationError(
                field: "accept", "accept may list at most \(Limits.maxAlternatives) alternatives, got \(accept.count)")
        }
        for (i, alternative) in accept.enumerated() {
            let base = "accept[\(i)]"
            if let arch = alternative.arch { try Validation.token(arch, field: "\(base).arch", maxLength: 32) }
            if let model = alternative.model { try Validation.text(model, field: "\(base).model", maxLength: 128) }
            if let memory = alternative.minMemoryGiB, !(memory.isFinite && memory >= 0 && memory <= 1_000_000) {
                throw ValidationError(
                    field: "\(base).min_memory_gib", "\(base).min_memory_gib must be a number between 0 and 1000000")
            }
            try Self.validate(alternative.run, field: "\(base).run")
        }
        if let dataLocation {
            guard topology.index(of: dataLocation) != nil else {
                throw topology.unknownLocation(dataLocation, field: "data_location")
            }
        }
        if let maxRttMs {
            guard maxRttMs.isFinite, maxRttMs > 0, maxRttMs <= 100_000 else {
                throw ValidationError(
                    field: "max_rtt_ms", "max_rtt_ms must be a number of ms greater than 0 and at most 100000, got \(maxRttMs)")
            }
            guard dataLocation != nil else {
                throw ValidationError(
                    field: "max_rtt_ms", "max_rtt_ms needs data_location, the place latency is measured from (e.g. city.shanghai)"
                )
            }
        }
        if let maxPriceFenPerUnitHour, !(0...100_000_000_000).contains(maxPriceFenPerUnitHour) {
            throw ValidationError(
                field: "max_price_fen_per_unit_hour", "max_price_fen_per_unit_hour must be between 0 and 100000000000")
        }
        if let minRenewable { try Validation.fraction(minRenewable, field: "min_renewable") }
        if let minReliability { try Validation.fraction(minReliability, field: "min_reliability") }
        if let maxRetries, !(0...10).contains(maxRetries) {
            throw ValidationError(field: "max_retries", "max_retries must be between 0 and 10")
        }
        if let durationS, !(durationS.isFinite && durationS > 0 && durationS <= Limits.maxDurationS) {
            throw ValidationError(
                field: "duration_s",
                "duration_s must be a number of seconds greater than 0 and at most \(Int(Limits.maxDurationS))")
        }
        for (field, weight) in [("price", objective.price), ("latency", objective.latency), ("carbon", objective.carbon)] {
            guard weight.isFinite, weight >= 0, weight <= Limits.maxWeight else {
                throw ValidationError(
                    field: "objective.\(field)",
                    "objective.\(field) must be a number between 0 and \(Int(Limits.maxWeight)), got \(weight)")
            }
        }
        guard objective.price + objective.latency + objective.carbon > 0 else {
            throw ValidationError(
                field: "objective", "objective needs at least one positive weight, e.g. {\"price\":1,\"latency\":0,\"carbon\":0}")
        }
    }

    static func validate(_ run: Run, field: String) throws(ValidationError) {
        guard !run.command.isEmpty else {
            throw ValidationError(
                field: "\(field).command", "\(field).command must name the program to run, e.g. [\"python\",\"train.py\"]")
        }
        guard run.command.count <= Limits.maxCommandArguments else {
            throw ValidationError(
                field: "\(field).command", "\(field).command may have at most \(Limits.maxCommandArguments) arguments")
        }
        for (i, argument) in run.command.enumerated() {
            guard argument.utf8.count <= 4096, !argument.utf8.contains(0) else {
                throw ValidationError(
                    field: "\(field).command[\(i)]", "\(field).command[\(i)] must be at most 4096 bytes without NUL")
            }
        }
        guard !run.command[0].isEmpty else {
            throw ValidationError(field: "\(field).command[0]", "\(field).command[0] must name the program to run")
        }
        guard run.env.count <= Limits.maxEnvEntries else {
            throw ValidationError(field: "\(field).env", "\(field).env may have at most \(Limits.maxEnvEntries) entries")
        }
        func validKey(_ key: String) -> Bool {
            let bytes = key.utf8
            guard !bytes.isEmpty, bytes.count <= 128 else { return false }
            for (i, b) in bytes.enumerated() {
                let ok = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || (i > 0 && b >= 0x30 && b <= 0x39)
                if !ok { return false }
            }
            return true
        }
        func validValue(_ value: String) -> Bool { value.utf8.count <= 4096 && !value.utf8.contains(0) }
        guard run.env.allSatisfy({ validKey($0.key) && validValue($0.value) }) else {
            // Report the first offender in key order, so the message does not depend on hashing.
            for (key, value) in run.env.sorted(by: { $0.key < $1.key }) {
                guard validKey(key) else {
                    throw ValidationError(
                        field: "\(field).env",
                        "\(field).env key '\(Validation.excerpt(key))' must be a variable name: letters, digits and '_', not starting with a digit"
                    )
                }
                guard validValue(value) else {
                    throw ValidationError(
                        field: "\(field).env.\(key)", "\(field).env.\(key) must be at most 4096 bytes without NUL")
                }
            }
            return
        }
    }
}
