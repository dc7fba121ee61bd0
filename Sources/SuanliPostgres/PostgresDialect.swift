import Foundation

/// Runs the record types' migrations on PostgreSQL. Migrations are written once, mostly in the
/// SQLite dialect; where SQLite's type names mean something else in PostgreSQL (`INTEGER` is
/// 32-bit there, `REAL` single precision) they are translated, outside string literals and
/// quoted names: `INTEGER` → `BIGINT`, `REAL` → `DOUBLE PRECISION`, `BLOB` → `BYTEA`, and
/// `WITHOUT ROWID` is dropped. A migration that needs more switches on `db.dialect`.
enum PostgresDialect {
    /// `sql` with SQLite's type names translated; string literals, quoted names and comments unchanged.
    static func translate(_ sql: String) -> String {
        var out = ""
        for segment in segments(sql) {
            switch segment {
            case .code(let code): out += translateCode(code)
            case .literal(let literal): out += literal
            }
        }
        return out
    }

    /// The statements of `sql`, split at `;` outside literals, quoted names and comments; empty ones dropped.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for segment in segments(sql) {
            switch segment {
            case .literal(let literal): current += literal
            case .code(let code):
                var parts = code.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                current += parts.removeFirst()
                for part in parts {
                    statements.append(current)
                    current = part
                }
            }
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private enum Segment {
        case code(String)
        case literal(String)
    }

    /// Splits into plain code and the parts to keep verbatim: `'…'` and `"…"` (doubled quotes
    /// inside), `-- …` to the end of the line, `/* … */`.
    private static func segments(_ sql: String) -> [Segment] {
        var segments: [Segment] = []
        var code = ""
        var index = sql.startIndex
        func flushCode() {
            if !code.isEmpty { segments.append(.code(code)) }
            code = ""
        }
        while index < sql.endIndex {
            let character = sql[index]
            let next = sql.index(after: index)
            if character == "'" || character == "\"" {
                flushCode()
                var end = next
                while end < sql.endIndex {
                    if sql[end] == character {
                        let after = sql.index(after: end)
                        if after < sql.endIndex, sql[after] == character {
                            end = sql.index(after: after)
                            continue
                        }
                        end = after
                        break
                    }
                    end = sql.index(after: end)
                }
                segments.append(.literal(String(sql[index..<end])))
                index = end
            } else if character == "-", next < sql.endIndex, sql[next] == "-" {
                flushCode()
                let end = sql[index...].firstIndex(of: "\n") ?? sql.endIndex
                segments.append(.literal(String(sql[index..<end])))
                index = end
            } else if character == "/", next < sql.endIndex, sql[next] == "*" {
                flushCode()
                let end = sql[index...].range(of: "*/")?.upperBound ?? sql.endIndex
                segments.append(.literal(String(sql[index..<end])))
                index = end
            } else {
                code.append(character)
                index = next
            }
        }
        flushCode()
        return segments
    }

    private static let replacements: [(words: [String], with: String)] = [
        (["WITHOUT", "ROWID"], ""),
        (["INTEGER"], "BIGINT"),
        (["REAL"], "DOUBLE PRECISION"),
        (["BLOB"], "BYTEA"),
    ]

    /// Replaces whole words (case-insensitive) in code outside literals.
    private static func translateCode(_ code: String) -> String {
        // Tokens: words ([A-Za-z0-9_]+) and single other characters, so the output keeps every byte but the replaced words.
        var tokens: [String] = []
        var word = ""
        for character in code {
            if character.isLetter || character.isNumber || character == "_" {
                word.append(character)
            } else {
                if !word.isEmpty { tokens.append(word) }
                word = ""
                tokens.append(String(character))
            }
        }
        if !word.isEmpty { tokens.append(word) }
        var out = ""
        var index = 0
        outer: while index < tokens.count {
            for (words, replacement) in replacements {
                // Match the words, separated by whitespace tokens.
                var position = index
                var matched = true
                for (offset, expected) in words.enumerated() {
                    if offset > 0 {
                        guard position < tokens.count, tokens[position].allSatisfy(\.isWhitespace) else {
                            matched = false
                            break
                        }
                        while position < tokens.count, tokens[position].allSatisfy(\.isWhitespace) { position += 1 }
                    }
                    guard position < tokens.count, tokens[position].uppercased() == expected else {
                        matched = false
                        break
                    }
                    position += 1
                }
                if matched {
                    out += replacement
                    index = position
                    continue outer
                }
            }
            out += tokens[index]
            index += 1
        }
        return out
    }
}
