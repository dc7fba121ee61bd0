import Foundation

/// What one platform metered for another's tasks, signed by the platform that metered it
/// (`GET /v1/federation/claims/{id}/usage`): the basis of settlement between platforms.
public struct UsageStatement: Sendable, Codable, Hashable {
    /// The platform that metered the usage (the task's owner).
    public var issuer: String
    /// The platform it metered for (the task's home), its customer.
    public var customer: String
    /// The task's id at the issuer.
    public var task: String
    /// Whether the task had ended when the statement was issued (only a final statement settles).
    public var final: Bool
    /// Every metered part of the task.
    public var records: [UsageRecord]
    /// When it was issued.
    public var issuedAt: Date

    enum CodingKeys: String, CodingKey {
        case issuer, customer, task, final, records
        case issuedAt = "issued_at"
    }

    /// Creates a statement.
    public init(issuer: String, customer: String, task: String, final: Bool, records: [UsageRecord], issuedAt: Date) {
        self.issuer = issuer
        self.customer = customer
        self.task = task
        self.final = final
        self.records = records
        self.issuedAt = issuedAt
    }
}

/// A ``UsageStatement`` as its issuer encoded it, and the issuer's Ed25519 signature of those bytes.
public struct SignedUsageStatement: Sendable, Codable, Hashable {
    /// The statement's JSON, exactly as signed.
    public var statement: String
    /// Ed25519 signature (standard base64) of `statement`'s UTF-8 bytes by the issuer's key.
    public var signature: String

    /// Creates a signed statement.
    public init(statement: String, signature: String) {
        self.statement = statement
        self.signature = signature
    }
}

/// What two platforms owe each other for a month (`GET /v1/federation/settlements`).
public struct Settlement: Sendable, Codable, Hashable {
    /// One metered part, named by the owner's task id (both sides list it so).
    public struct Line: Sendable, Codable, Hashable {
        /// The task's id at the platform that ran it.
        public var task: String
        /// The task's id at its home (on the payable side).
        public var homeTask: String?
        public var attempt: Int
        public var resource: String
        public var end: Date
        public var amountFen: Int64

        enum CodingKeys: String, CodingKey {
            case task, attempt, resource, end
            case homeTask = "home_task"
            case amountFen = "amount_fen"
        }

        /// Creates a line.
        public init(task: String, homeTask: String? = nil, attempt: Int, resource: String, end: Date, amountFen: Int64) {
            self.task = task
            self.homeTask = homeTask
            self.attempt = attempt
            self.resource = resource
            self.end = end
            self.amountFen = amountFen
        }
    }

    /// A stored statement that does not count, and why (tampered, unknown, duplicated).
    public struct Dispute: Sendable, Codable, Hashable {
        /// The home task the statement was stored for.
        public var homeTask: String
        /// `tampered`, `unknown` or `duplicated`.
        public var kind: String
        public var message: String

        enum CodingKeys: String, CodingKey {
            case kind, message
            case homeTask = "home_task"
        }

        /// Creates a dispute.
        public init(homeTask: String, kind: String, message: String) {
            self.homeTask = homeTask
            self.kind = kind
            self.message = message
        }
    }

    /// The other platform's prefix.
    public var peer: String
    /// `YYYY-MM`.
    public var month: String
    /// What the peer owes this platform: usage this platform metered for the peer's tasks.
    public var receivableFen: Int64
    /// What this platform owes the peer: usage the peer metered (and signed) for this platform's tasks.
    public var payableFen: Int64
    /// receivable − payable: positive when the peer owes this platform on balance.
    public var netFen: Int64
    public var receivable: [Line]
    public var payable: [Line]
    /// Stored statements that do not count.
    public var disputed: [Dispute]
    /// Tasks placed at the peer without a final statement yet (running, or the peer unreachable).
    public var pending: [String]

    enum CodingKeys: String, CodingKey {
        case peer, month, receivable, payable, disputed, pending
        case receivableFen = "receivable_fen"
        case payableFen = "payable_fen"
        case netFen = "net_fen"
    }

    /// Creates a settlement; the totals are the lines' sums.
    public init(peer: String, month: String, receivable: [Line], payable: [Line], disputed: [Dispute], pending: [String]) {
        self.peer = peer
        self.month = month
        self.receivable = receivable
        self.payable = payable
        self.disputed = disputed
        self.pending = pending
        receivableFen = receivable.reduce(0) { $0.addingReportingOverflow($1.amountFen).partialValue }
        payableFen = payable.reduce(0) { $0.addingReportingOverflow($1.amountFen).partialValue }
        netFen = receivableFen.subtractingReportingOverflow(payableFen).partialValue
    }
}
