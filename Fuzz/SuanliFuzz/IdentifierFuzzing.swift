import SuanliCore

/// Identifier and prefix parsing: every input is accepted canonically or refused at a
/// position inside it; what is accepted round-trips.
enum IdentifierFuzzing {
    @Sendable static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let text = input.text
        let count = text.utf8.count
        do throws(IdentifierError) {
            let id = try Identifier(parsing: text)
            require(id.string == text, "accepted text changed: \(id.string)")
            require(count <= Identifier.maxLength, "accepted \(count) bytes")
            require(id.string.utf8.allSatisfy { $0 < 0x80 }, "accepted non-ASCII")
            require(id.prefix.description + "/" + id.suffix == text, "prefix/suffix do not add up")
            require((try? Identifier(parsing: id.string)) == id, "does not parse back")
            require((try? Prefix(parsing: id.prefix.description)) == id.prefix, "prefix does not parse back")
            require(Identifier(uncheckedString: id.string) == id, "unchecked wrapping differs")
            require(id.suffix.utf8.count <= Identifier.maxSuffixLength, "suffix too long")
            do throws(IdentifierError) { try Identifier.validate(suffix: id.suffix) } catch {
                require(false, "suffix of an accepted identifier refused: \(error)")
            }
            for segment in id.suffix.split(separator: "/", omittingEmptySubsequences: false) {
                require(!segment.isEmpty && segment != "." && segment != "..", "suffix segment '\(segment)' accepted")
            }
        } catch {
            require((1...(count + 1)).contains(error.position), "position \(error.position) outside 1…\(count + 1): \(error)")
            require(!error.message.isEmpty, "empty message")
        }
        do throws(IdentifierError) {
            let prefix = try Prefix(parsing: text)
            require(prefix.description == text, "prefix not canonical: \(prefix)")
            require((1...Prefix.maxSegments).contains(prefix.segments.count), "segments \(prefix.segments.count)")
            require(Prefix(segments: prefix.segments) == prefix, "segments do not make the prefix")
            if let parent = prefix.parent {
                require(prefix.isWithin(parent) && !parent.isWithin(prefix), "parent order")
                require(parent.child(prefix.segments.last!) == prefix, "child of parent")
            }
            if let child = prefix.child(0) { require(child.isWithin(prefix) && child.parent == prefix, "child") }
        } catch {
            require((1...(count + 1)).contains(error.position), "prefix position \(error.position) outside 1…\(count + 1)")
        }
    }
}
