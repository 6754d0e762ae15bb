import Foundation

/// Turns decoded event protobufs into `BoardRecord`s, summary form by summary form.
///
/// Understands what PyTorch's `SummaryWriter`, tensorboardX, TensorFlow 1 and TensorFlow 2
/// write: `simple_value` scalars, `HistogramProto`, `Summary.Image`, and tensors read by their
/// plugin name (scalars, histograms as [k, 3] edges and counts, images as [width, height,
/// PNG…] strings, text). Values of other plugins (audio, graphs, PR curves…) are counted as skipped.
enum EventDecoding {
    /// The records of one event, and how many of its values were of kinds TensorTop does not show.
    static func records(of event: TBEvent) -> (records: [BoardRecord], skipped: Int) {
        guard case .summary(let summary)? = event.what else { return ([], 0) }
        var records: [BoardRecord] = []
        var skipped = 0
        for value in summary.value {
            if let decoded = boardValue(of: value) {
                records.append(BoardRecord(tag: value.tag, step: event.step, wallTime: event.wallTime, value: decoded))
            } else {
                skipped += 1
            }
        }
        return (records, skipped)
    }

    /// One summary value as a `BoardValue`, or nil when it is of a kind TensorTop does not show.
    static func boardValue(of value: TBSummary.Value) -> BoardValue? {
        switch value.value {
        case .simpleValue(let number)?:
            return .scalar(Double(number))
        case .histo(let histogram)?:
            return .histogram(BoardHistogram(
                minimum: histogram.min, maximum: histogram.max, count: histogram.num, sum: histogram.sum,
                sumOfSquares: histogram.sumSquares, limits: histogram.bucketLimit, counts: histogram.bucket))
        case .image(let image)?:
            return .image(EncodedImage(width: Int(image.width), height: Int(image.height), bytes: image.encodedImageString))
        case .tensor(let tensor)?:
            return tensorValue(tensor, plugin: value.metadata.pluginData.pluginName)
        case nil:
            return nil
        }
    }

    /// A TF2-style tensor summary, read the way its plugin defines.
    static func tensorValue(_ tensor: TBTensorProto, plugin: String) -> BoardValue? {
        switch plugin {
        case "scalars":
            return numbers(tensor).first.map { .scalar($0) }
        case "histograms":
            // Rows of (left edge, right edge, count).
            let values = numbers(tensor)
            guard values.count >= 3, values.count % 3 == 0 else { return nil }
            let rows = stride(from: 0, to: values.count, by: 3).map { (values[$0], values[$0 + 1], values[$0 + 2]) }
            let total = rows.reduce(0) { $0 + $1.2 }
            let sum = rows.reduce(0) { $0 + ($1.0 + $1.1) / 2 * $1.2 }
            return .histogram(BoardHistogram(
                minimum: rows.first!.0, maximum: rows.last!.1, count: total, sum: sum,
                limits: rows.map(\.1), counts: rows.map(\.2)))
        case "images":
            // [width, height, encoded image, …]: the first image.
            let strings = tensor.stringVal
            guard strings.count >= 3, let width = Int(String(decoding: strings[0], as: UTF8.self)),
                  let height = Int(String(decoding: strings[1], as: UTF8.self)) else { return nil }
            return .image(EncodedImage(width: width, height: height, bytes: strings[2]))
        case "text":
            let cells = tensor.stringVal.map { String(decoding: $0, as: UTF8.self) }
            guard !cells.isEmpty else { return nil }
            let dims = tensor.tensorShape.dim.map { Int($0.size) }
            if dims.count == 2, dims[0] * dims[1] == cells.count, dims[1] > 0 {
                return .text(stride(from: 0, to: cells.count, by: dims[1])
                    .map { cells[$0..<($0 + dims[1])].joined(separator: "\t") }.joined(separator: "\n"))
            }
            return .text(cells.joined(separator: "\n"))
        default:
            return nil
        }
    }

    /// A numeric tensor's elements as Doubles, from its typed list or its raw little-endian bytes.
    static func numbers(_ tensor: TBTensorProto) -> [Double] {
        let raw = tensor.tensorContent
        switch tensor.dtype {
        case .dtFloat:
            return raw.isEmpty ? tensor.floatVal.map(Double.init) : littleEndian(raw, size: 4) { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }
        case .dtDouble:
            return raw.isEmpty ? tensor.doubleVal : littleEndian(raw, size: 8) { Double(bitPattern: $0) }
        case .dtHalf:
            return raw.isEmpty ? tensor.halfVal.map { halfToDouble(UInt16(truncatingIfNeeded: $0)) }
                : littleEndian(raw, size: 2) { halfToDouble(UInt16(truncatingIfNeeded: $0)) }
        case .dtBfloat16:
            return raw.isEmpty ? tensor.halfVal.map { Double(Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: $0)) << 16)) }
                : littleEndian(raw, size: 2) { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0) << 16)) }
        case .dtInt32:
            return raw.isEmpty ? tensor.intVal.map(Double.init) : littleEndian(raw, size: 4) { Double(Int32(truncatingIfNeeded: $0)) }
        case .dtInt64:
            return raw.isEmpty ? tensor.int64Val.map(Double.init) : littleEndian(raw, size: 8) { Double(Int64(bitPattern: $0)) }
        default:
            return []
        }
    }

    /// The `size`-byte little-endian words of `bytes`, each converted by `convert`.
    private static func littleEndian(_ bytes: Data, size: Int, _ convert: (UInt64) -> Double) -> [Double] {
        let count = bytes.count / size
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { index in
                var word: UInt64 = 0
                for k in 0..<size { word |= UInt64(raw[index * size + k]) << (8 * UInt64(k)) }
                return convert(word)
            }
        }
    }

    /// An IEEE half-precision bit pattern's value.
    static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int((bits >> 10) & 0x1F), fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
