/// "Did you mean …?": the closest known word to a misspelt one, by edit distance.
public enum Suggestion {
    /// The edit distance between two strings over their Unicode scalars (insertions, deletions,
    /// substitutions and swaps of neighbours, each 1: `sumbit` is 1 from `submit`), or `nil`
    /// once it exceeds `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int = .max) -> Int? {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if abs(x.count - y.count) > limit { return nil }
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) <= limit ? max(x.count, y.count) : nil }
        var beforePrevious = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMin = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d = min(d, beforePrevious[j - 2] + 1) }
                current[j] = d
                rowMin = min(rowMin, d)
            }
            if rowMin > limit { return nil }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[y.count] <= limit ? previous[y.count] : nil
    }

    /// The candidate closest to `word`, if one is close enough to be a likely typo: at most a
    /// third of the word's length away (at least 1, at most 3 edits). Ties go to the earlier candidate.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let limit = min(3, max(1, word.unicodeScalars.count / 3))
        var best: (String, Int)?
        for candidate in candidates where candidate != word {
            guard let d = distance(word, candidate, limit: best.map { $0.1 - 1 } ?? limit) else { continue }
            best = (candidate, d)
        }
        return best?.0
    }
}
