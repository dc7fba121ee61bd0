/// Compact label encoding for storage: `key US value RS key US value …`, keys sorted.
/// Labels never contain control characters (validated on the way in), so this is unambiguous.
enum LabelCoding {
    static let unitSeparator: Character = "\u{1F}"
    static let recordSeparator: Character = "\u{1E}"

    static func encode(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)\(unitSeparator)\($0.value)" }
            .joined(separator: String(recordSeparator))
    }

    static func decode(_ text: String) -> [String: String] {
        guard !text.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in text.split(separator: recordSeparator, omittingEmptySubsequences: true) {
            let parts = pair.split(separator: unitSeparator, maxSplits: 1, omittingEmptySubsequences: false)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }
}
