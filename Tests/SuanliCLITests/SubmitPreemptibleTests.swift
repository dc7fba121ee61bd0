import ArgumentParser
import Foundation
import SuanliCore
import Testing

@testable import SuanliCLI

/// `suanli submit --preemptible`: the task may be preempted and pays a spot resource's spot price.
@Suite("Submit: preemptible")
struct SubmitPreemptibleTests {
    @Test func theFlagSetsPreemptible() throws {
        let spot = try #require(try SuanliCommand.parseAsRoot(["submit", "--preemptible", "--", "x"]) as? Submit)
        #expect(try spot.spec().preemptible == true)
        let plain = try #require(try SuanliCommand.parseAsRoot(["submit", "--", "x"]) as? Submit)
        #expect(try plain.spec().preemptible == nil)
    }
}
