import Foundation
import Testing
@testable import Telemetry

/// Tiles and pixels in their compact JSON form (base64 of little-endian float32 / of bytes), and
/// the plain number arrays a probe may send instead (docs/TELEMETRY.md).
@Suite struct PackedArrayTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try TelemetryCoding.decoder().decode(type, from: Data(json.utf8))
    }

    static func parameter(tiles: [Float], gradientTiles: [Float] = []) -> ParameterSnapshot {
        ParameterSnapshot(name: "0.weight", shape: [1, 4], values: .empty, initialization: nil, gradient: nil, gradientText: "",
                          tiles: tiles, gradientTiles: gradientTiles, tileShape: [1, 2, 2], normHistory: [])
    }

    @Test func tilesAreWrittenAsBase64OfLittleEndianFloat32() throws {
        let json = try SchemaTests.json(Self.parameter(tiles: [0, 1, 2, 3]))
        #expect(json.contains(#""tiles":"AAAAAAAAgD8AAABAAABAQA==""#))
        #expect(json.contains(#""gradientTiles":"""#))
    }

    @Test func pixelsAreWrittenAsBase64() throws {
        let batch = BatchPreview(channels: 3, width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6], labels: [1], predictions: [0],
                                 confidences: [0.7], losses: [0.1])
        #expect(try SchemaTests.json(batch).contains(#""pixels":"AQIDBAUG""#))
        #expect(try SchemaTests.roundTrip(batch) == batch)
    }

    @Test func nonFiniteFloatsSurviveBitExactly() throws {
        let bits: [UInt32] = [0x7FC0_0001, 0x7F80_0001, 0xFF80_0000, 0x7F80_0000, 0x8000_0000, 0x0000_0001, 0x7F7F_FFFF]
        let floats = bits.map(Float.init(bitPattern:))
        let back = try SchemaTests.roundTrip(Self.parameter(tiles: floats, gradientTiles: floats.reversed()))
        #expect(back.tiles.map(\.bitPattern) == bits)
        #expect(back.gradientTiles.map(\.bitPattern) == bits.reversed())
    }

    @Test func numberArraysAreReadToo() throws {
        let parameter = try Self.decode(ParameterSnapshot.self, #"{"name":"w","tiles":[0.5,-1,"nan","inf"],"gradientTiles":[]}"#)
        #expect(parameter.tiles.count == 4 && parameter.tiles[0] == 0.5 && parameter.tiles[2].isNaN && parameter.tiles[3] == .infinity)
        #expect(parameter.gradientTiles.isEmpty)
        let batch = try Self.decode(BatchPreview.self, #"{"width":2,"height":1,"pixels":[0,255],"labels":[1]}"#)
        #expect(batch.pixels == [0, 255])
        let packed = try Self.decode(BatchPreview.self, #"{"width":2,"height":1,"pixels":"AP8=","labels":[1]}"#)
        #expect(packed.pixels == [0, 255])
    }

    @Test func absentOrNullTilesAreEmpty() throws {
        let parameter = try Self.decode(ParameterSnapshot.self, #"{"name":"w","gradientTiles":null}"#)
        #expect(parameter.tiles.isEmpty && parameter.gradientTiles.isEmpty)
    }

    /// The decoding error's field path and message, or nil when `json` decodes.
    static func failure<T: Decodable>(_ type: T.Type, _ json: String) -> (path: String, text: String)? {
        do {
            _ = try decode(type, json)
            return nil
        } catch DecodingError.dataCorrupted(let context) {
            return (context.codingPath.map(\.stringValue).joined(separator: "."), context.debugDescription)
        } catch DecodingError.typeMismatch(_, let context) {
            return (context.codingPath.map(\.stringValue).joined(separator: "."), context.debugDescription)
        } catch {
            return ("", "\(error)")
        }
    }

    @Test func malformedPackedArraysAreErrorsNamingTheField() {
        let notBase64 = Self.failure(ParameterSnapshot.self, #"{"name":"w","tiles":"AA*A"}"#)
        #expect(notBase64?.path == "tiles" && notBase64?.text.contains("not base64") == true)
        let ragged = Self.failure(ParameterSnapshot.self, #"{"name":"w","gradientTiles":"AAAA"}"#)  // 3 bytes
        #expect(ragged?.path == "gradientTiles" && ragged?.text.contains("3 bytes are not a whole number") == true)
        let pixels = Self.failure(BatchPreview.self, #"{"width":1,"height":1,"pixels":"A","labels":[]}"#)
        #expect(pixels?.path == "pixels")
        let outOfRange = Self.failure(BatchPreview.self, #"{"width":1,"height":1,"pixels":[256],"labels":[]}"#)
        #expect(outOfRange != nil)  // Foundation's own error, without a path
        let wrongType = Self.failure(ParameterSnapshot.self, #"{"name":"w","tiles":{"a":1}}"#)
        #expect(wrongType?.path == "tiles")
    }
}
