import Testing

@testable import SuanliCore

@Suite("Suggestions")
struct SuggestionTests {
    @Test func editDistance() {
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.distance("submit", "submit") == 0)
        #expect(Suggestion.distance("sumbit", "submit") == 1, "a swap of neighbours is one edit")
        #expect(Suggestion.distance("lsit", "list") == 1)
        #expect(Suggestion.distance("ab", "ba") == 1 && Suggestion.distance("abc", "ca") == 3)
        #expect(Suggestion.distance("abc", "abcdefgh", limit: 2) == nil)
        #expect(Suggestion.distance("上海", "上海市") == 1)
    }

    @Test func closestWord() {
        let commands = ["serve", "up", "resolve", "find", "providers", "submit", "tasks", "task", "explain", "logs"]
        #expect(Suggestion.closest(to: "sumbit", among: commands) == "submit")
        #expect(Suggestion.closest(to: "resolv", among: commands) == "resolve")
        #expect(Suggestion.closest(to: "fnd", among: commands) == "find")
        #expect(Suggestion.closest(to: "xyzzy", among: commands) == nil, "nothing close: no guess")
        #expect(Suggestion.closest(to: "task", among: commands) == "tasks", "an exact word is never suggested to itself")
    }

    @Test func nearestLocationCode() {
        let topology = Topology.national
        #expect(topology.suggestion(for: "city.shangai") == "city.shanghai")
        #expect(topology.suggestion(for: "shanghai") == "city.shanghai")
        #expect(topology.suggestion(for: "cluster.zhangjiakuo") == "cluster.zhangjiakou")
        #expect(topology.suggestion(for: "city.shanghai") == nil)
        #expect(topology.suggestion(for: "city.atlantis") == nil)
        let error = topology.unknownLocation("city.shangai", field: "near")
        #expect(error.field == "near")
        #expect(error.message.contains("did you mean 'city.shanghai'?"))
        #expect(error.message.contains("'suanli topology'"))
        let unknown = topology.unknownLocation("city.atlantis", field: "data_location")
        #expect(unknown.message.contains("e.g. city.shanghai") && !unknown.message.contains("did you mean"))
    }
}
