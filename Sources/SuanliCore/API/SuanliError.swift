/// An error the platform reports to callers: a stable code, a message and, for bad
/// input, the field at fault. The server maps codes to HTTP statuses; clients map them back.
public struct SuanliError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code as it appears in `{"error":{"code"}}`.
        public let rawValue: String

        /// Creates a code from its wire form.
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The request is malformed (bad JSON, bad query string): 400.
        public static let badRequest = Code("bad_request")
        /// An identifier or prefix breaks the identifier standard: 400.
        public static let invalidIdentifier = Code("invalid_identifier")
        /// Well-formed but a field breaks a rule: 422.
        public static let validation = Code("validation_failed")
        /// No or unknown credentials: 401.
        public static let unauthorized = Code("unauthorized")
        /// Credentials valid but not allowed to do this: 403.
        public static let forbidden = Code("forbidden")
        /// The thing does not exist: 404.
        public static let notFound = Code("not_found")
        /// The request conflicts with current state: 409.
        public static let conflict = Code("conflict")
        /// The body is larger than allowed: 413.
        public static let tooLarge = Code("payload_too_large")
        /// Method not allowed on this path: 405.
        public static let methodNotAllowed = Code("method_not_allowed")
        /// The platform cannot serve the request now (e.g. storage failure): 503.
        public static let unavailable = Code("unavailable")
        /// A bug: 500.
        public static let `internal` = Code("internal")

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    /// The request field at fault, if any.
    public var field: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// A 422 for a field that breaks a rule.
    public static func validation(_ error: ValidationError) -> SuanliError {
        SuanliError(.validation, error.message, field: error.field)
    }

    /// A 400 for an identifier that breaks the standard.
    public static func identifier(_ error: IdentifierError, field: String = "id") -> SuanliError {
        SuanliError(.invalidIdentifier, error.message, field: field)
    }

    public var description: String { "\(code): \(message)" }
}
