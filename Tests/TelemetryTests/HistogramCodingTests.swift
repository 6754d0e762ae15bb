import Foundation
import Testing
@testable import Telemetry

/// Histogram counts in JSON: runs of empty bins as one negative number, plain counts read too.
@Suite struct HistogramCodingTests {
    static func histogram(_ counts: [Int]) -> Histogram {
        Histogram(counts: counts, low: -1, high: 1, below: 0, above: 2, count: 9, mean: 0, std: .nan, min: -.infinity, max: 2)
    }

    static func countsJSON(_ counts: [Int]) throws -> String {
        let json = try SchemaTests.json(histogram(counts))
        let start = try #require(json.range(of: #""counts":["#)).upperBound
        return String(json[start...].prefix { $0 != "]" })
    }

    @Test func zeroRunsAreWrittenAsNegativeLengths() throws {
        #expect(try Self.countsJSON([0, 0, 0, 5, 0, 1]) == "-3,5,0,1")
        #expect(try Self.countsJSON([4, 0, 0]) == "4,-2")
        #expect(try Self.countsJSON([]) == "")
        #expect(try Self.countsJSON([0]) == "0")
        #expect(try Self.countsJSON([3, -7, 0, 2]) == "3,-2,2")  // a negative count means nothing: written as 0
    }

    @Test func histogramsRoundTrip() throws {
        var counts = [Int](repeating: 0, count: Histogram.displayBins)
        counts[0] = 1
        counts[17] = 40
        counts[18] = 2
        counts[Histogram.displayBins - 1] = Int.max
        for histogram in [Self.histogram(counts), Self.histogram([]), Self.histogram([0, 0]), Self.histogram([1, 2, 3]), .empty] {
            let back = try SchemaTests.roundTrip(histogram)
            #expect(back.counts == histogram.counts)
            #expect(try SchemaTests.json(back) == (try SchemaTests.json(histogram)))
        }
    }

    static let fields = #""low":-1,"high":1,"below":0,"above":0,"count":3,"mean":0,"std":0,"min":-1,"max":1"#

    @Test func plainCountsAreReadAsTheyAre() throws {
        let histogram = try TelemetryCoding.decoder().decode(Histogram.self, from: Data(#"{"counts":[0,0,1,2],\#(Self.fields)}"#.utf8))
        #expect(histogram.counts == [0, 0, 1, 2])
    }

    @Test func runsBeyondTheBinLimitAreErrorsNotAllocations() {
        for counts in ["[-9223372036854775808]", "[-1048577]", "[-1048576,-1]", "[1,-1048576]"] {
            let json = #"{"counts":\#(counts),\#(Self.fields)}"#
            #expect(throws: DecodingError.self, "\(counts)") { try TelemetryCoding.decoder().decode(Histogram.self, from: Data(json.utf8)) }
        }
        let largest = #"{"counts":[-1048576],\#(Self.fields)}"#
        #expect((try? TelemetryCoding.decoder().decode(Histogram.self, from: Data(largest.utf8)))?.counts.count == Histogram.maxBins)
    }
}
