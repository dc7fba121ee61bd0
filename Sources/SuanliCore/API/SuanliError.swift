/// An error the platform reports to callers: a stable code, a message, the HTTP status and,
/// for bad input, the field at fault.
///
/// One model on both sides of the wire: the server answers with it (as
/// `{"error":{"code","message"}}` and ``status``), and `SuanliClient` throws it, rebuilt from
/// that body and the status it received (`ClientError` is another name for it).
public struct SuanliError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The code as it appears in `{"error":{"code"}}`.
        public let rawValue: String

        /// Creates a code from its wire form.
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// Creates a code from a literal such as `"not_found"`.
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The request is malformed (bad JSON, bad query string, bad path): 400.
        public static let badRequest = Code("bad_request")
        /// An identifier or prefix breaks the identifier standard: 400.
        public static let invalidIdentifier = Code("invalid_identifier")
        /// Well-formed but a field breaks a rule: 422.
        public static let validation = Code("validation_failed")
        /// No or unknown credentials: 401.
        public static let unauthorized = Code("unauthorized")
        /// The token was revoked: 401.
        public static let tokenRevoked = Code("token_revoked")
        /// The token has expired: 401.
        public static let tokenExpired = Code("token_expired")
        /// Credentials valid but not allowed to do this: 403.
        public static let forbidden = Code("forbidden")
        /// The thing does not exist: 404.
        public static let notFound = Code("not_found")
        /// The request conflicts with current state: 409.
        public static let conflict = Code("conflict")
        /// The thing existed but has ended for good (an expired or released quote): 410.
        public static let gone = Code("gone")
        /// The body is larger than allowed: 413.
        public static let tooLarge = Code("payload_too_large")
        /// Method not allowed on this path: 405.
        public static let methodNotAllowed = Code("method_not_allowed")
        /// The platform cannot serve the request now (e.g. storage failure): 503.
        public static let unavailable = Code("unavailable")
        /// Too many requests of this class from this client: 429 with `Retry-After`.
        public static let rateLimited = Code("rate_limited")
        /// The task's worst-case cost exceeds its consumer's remaining budget: 402.
        public static let budgetExceeded = Code("budget_exceeded")
        /// The task would take a kind of unit past its consumer's quota: 409.
        public static let quotaExceeded = Code("quota_exceeded")
        /// A bug: 500.
        public static let `internal` = Code("internal")
        /// Client side only: the server could not be reached (status 0).
        public static let transport = Code("transport")
        /// Client side only: the server answered something that could not be read.
        public static let badResponse = Code("bad_response")

        /// The HTTP status the server answers with for this code (500 for codes it does not know,
        /// 0 for ``transport``).
        public var defaultStatus: Int {
            switch self {
            case .badRequest, .invalidIdentifier: 400
            case .validation: 422
            case .unauthorized, .tokenRevoked, .tokenExpired: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .gone: 410
            case .tooLarge: 413
            case .methodNotAllowed: 405
            case .unavailable: 503
            case .rateLimited: 429
            case .budgetExceeded: 402
            case .quotaExceeded: 409
            case .transport: 0
            default: 500
            }
        }

        public var description: String { rawValue }

        /// Compares a code with its wire form, e.g. `error.code == "not_found"`.
        public static func == (lhs: Code, rhs: String) -> Bool { lhs.rawValue == rhs }
        /// Compares a wire form with a code.
        public static func == (lhs: String, rhs: Code) -> Bool { lhs == rhs.rawValue }
        /// `!=` for a code and its wire form.
        public static func != (lhs: Code, rhs: String) -> Bool { lhs.rawValue != rhs }
    }

    /// The stable machine code.
    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// The request field at fault, if any (not sent on the wire).
    public var field: String?
    /// The HTTP status: the one the server answers with, or the one a client received
    /// (0 when the server could not be reached).
    public var status: Int
    /// Seconds after which a retry may succeed (`Retry-After`, sent with 429 and 503), if known.
    public var retryAfter: Double?

    /// ``status`` under a name no other module's extension shadows (the server's
    /// `HTTPResponseError` conformance adds a `status` of its own type).
    package var statusCode: Int { status }

    /// Creates an error with the status of its code (``Code/defaultStatus``) unless given.
    public init(_ code: Code, _ message: String, field: String? = nil, status: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.status = status ?? code.defaultStatus
    }

    /// Creates an error as a client sees it: the status received, the code and the message.
    public init(status: Int, code: String, message: String) {
        self.init(Code(code), message, status: status)
    }

    /// Rebuilds the error a server answered with from its status and body.
    public init(status: Int, body: APIErrorBody) {
        self.init(Code(body.error.code), body.error.message, status: status)
    }

    /// A 422 for a field that breaks a rule.
    public static func validation(_ error: ValidationError) -> SuanliError {
        SuanliError(.validation, error.message, field: error.field)
    }

    /// A 400 for an identifier that breaks the standard.
    public static func identifier(_ error: IdentifierError, field: String = "id") -> SuanliError {
        SuanliError(.invalidIdentifier, error.message, field: field)
    }

    /// The wire form of this error, `{"error":{"code","message"}}`.
    public var body: APIErrorBody { APIErrorBody(code: code.rawValue, message: message) }

    public var description: String {
        switch status {
        case 0: message
        case code.defaultStatus: "\(code): \(message)"
        default: "\(code): \(message) (HTTP \(status))"
        }
    }
}
