/// A request field that breaks a rule; the API answers it with 422 naming the field.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON field path, e.g. `units` or `reports[3].free_units`.
    public var field: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates a validation error for `field`.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

/// Shared field rules.
public enum Validation {
    /// Most characters of client input that an error message quotes.
    public static let maxExcerpt = 64

    /// `value` for quoting in an error message: at most `maxCharacters` characters, with `…`
    /// appended when cut, so that a huge input never makes a huge message.
    public static func excerpt(_ value: some StringProtocol, maxCharacters: Int = maxExcerpt) -> String {
        var end = value.startIndex
        var count = 0
        while end < value.endIndex, count < maxCharacters {
            value.formIndex(after: &end)
            count += 1
        }
        return end == value.endIndex ? String(value) : String(value[..<end]) + "…"
    }

    /// A short machine token: 1…`maxLength` bytes of lowercase ASCII letters, digits, `_`, `-`, `.`.
    public static func token(_ value: String, field: String, maxLength: Int) throws(ValidationError) {
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength,
            bytes.allSatisfy({
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E
            })
        else {
            throw ValidationError(
                field: field,
                "\(field) must be 1-\(maxLength) characters of lowercase letters, digits, '_', '-' or '.', got '\(excerpt(value))'")
        }
    }

    /// Free text: 1…`maxLength` bytes without control characters.
    public static func text(_ value: String, field: String, maxLength: Int, allowEmpty: Bool = false) throws(ValidationError) {
        let bytes = value.utf8
        guard allowEmpty || !bytes.isEmpty else {
            throw ValidationError(field: field, "\(field) must not be empty")
        }
        guard bytes.count <= maxLength else {
            throw ValidationError(field: field, "\(field) is longer than \(maxLength) bytes")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ValidationError(field: field, "\(field) must not contain control characters")
        }
    }

    /// A share between 0 and 1 inclusive.
    public static func fraction(_ value: Double, field: String) throws(ValidationError) {
        guard value.isFinite, value >= 0, value <= 1 else {
            throw ValidationError(field: field, "\(field) must be a number between 0 and 1, got \(value)")
        }
    }

    /// Labels: at most 64; keys 1–63 bytes of letters, digits, `_ - . /`; values at most 256 bytes, no control characters.
    public static func labels(_ labels: [String: String]) throws(ValidationError) {
        guard labels.count <= 64 else {
            throw ValidationError(field: "labels", "at most 64 labels are allowed, got \(labels.count)")
        }
        for (key, value) in labels {
            let keyBytes = key.utf8
            guard !keyBytes.isEmpty, keyBytes.count <= 63,
                keyBytes.allSatisfy({
                    ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39)
                        || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E || $0 == 0x2F
                })
            else {
                throw ValidationError(
                    field: "labels",
                    "label key '\(excerpt(key))' must be 1-63 characters of letters, digits, '_', '-', '.' or '/'")
            }
            try text(value, field: "labels.\(key)", maxLength: 256, allowEmpty: true)
        }
    }
}
