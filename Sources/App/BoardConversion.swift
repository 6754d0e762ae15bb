import Dashboard
import Datasets
import Foundation
import Telemetry
import TensorBoard

/// Turns what `LogDirectory` read into the board's plain values: scalars, histograms as
/// buckets, images decoded (once each: decoded images are kept by run, tag, step and size).
public final class BoardConversion {
    /// Decoded images, by `run \0 tag \0 step \0 byte count`.
    private var pictures: [String: BoardPicture] = [:]

    /// The largest side an image keeps after decoding (a terminal shows far fewer pixels).
    public static let largestSide = 320

    public init() {}

    /// The board's data for the runs of `directory`, in run-name order.
    public func data(_ directory: LogDirectory) -> BoardData {
        var data = BoardData(runs: directory.runNames)
        var keptPictures: [String: BoardPicture] = [:]
        for name in data.runs {
            guard let run = directory.runs[name] else { continue }
            for tag in run.tags.keys.sorted() {
                let records = run.records(tag)
                guard let first = records.first else { continue }
                switch first.value {
                case .scalar:
                    let points = records.compactMap { record -> BoardPoint? in
                        guard case .scalar(let value) = record.value else { return nil }
                        return BoardPoint(step: Int(clamping: record.step), wallTime: record.wallTime, value: value)
                    }
                    data.scalars[tag, default: []].append(BoardSeries(run: name, items: points))
                case .histogram:
                    let items = records.compactMap { record -> BoardDistribution? in
                        guard case .histogram(let histogram) = record.value else { return nil }
                        return BoardDistribution(step: Int(clamping: record.step), wallTime: record.wallTime, buckets: Self.buckets(histogram))
                    }
                    data.histograms[tag, default: []].append(BoardSeries(run: name, items: items))
                case .image:
                    let items = records.compactMap { record -> BoardPicture? in
                        guard case .image(let image) = record.value else { return nil }
                        let key = "\(name)\u{0}\(tag)\u{0}\(record.step)\u{0}\(image.bytes.count)"
                        let picture = pictures[key] ?? Self.picture(image, step: Int(clamping: record.step), wallTime: record.wallTime,
                                                                    source: "\(name)/\(tag) at step \(record.step)")
                        keptPictures[key] = picture
                        return picture
                    }
                    data.images[tag, default: []].append(BoardSeries(run: name, items: items))
                case .text:
                    continue
                }
            }
        }
        // Only the images still kept by the reservoirs stay decoded.
        pictures = keptPictures
        return data
    }

    /// A histogram's buckets with their edges: the first from the minimum, the rest from the
    /// previous limit, clamped to the values' range (writers use ±DBL_MAX as outer limits).
    public static func buckets(_ histogram: BoardHistogram) -> [BoardDistribution.Bucket] {
        let (low, high) = (histogram.minimum, histogram.maximum)
        return zip(histogram.limits, histogram.counts).enumerated().map { i, bucket in
            let left = i == 0 ? low : histogram.limits[i - 1]
            func clamp(_ v: Double) -> Double { low <= high ? min(high, max(low, v)) : v }
            return BoardDistribution.Bucket(low: clamp(left), high: clamp(bucket.0), count: bucket.1)
        }
    }

    /// An encoded image decoded to one `BatchPreview` (channel planes, grey or RGB), shrunk to at
    /// most `largestSide`; or the reason it cannot be shown.
    public static func picture(_ encoded: EncodedImage, step: Int, wallTime: Double, source: String) -> BoardPicture {
        let decoded: Datasets.Image
        do {
            decoded = try PNG.decode([UInt8](encoded.bytes), path: source)
        } catch {
            return BoardPicture(step: step, wallTime: wallTime, image: nil, problem: "not a PNG image TensorTop can read")
        }
        let image = decoded.channels >= 3 ? decoded.rgb() : decoded.grayscale()
        let scale = max(1, (max(image.width, image.height) + largestSide - 1) / largestSide)
        let width = max(1, image.width / scale), height = max(1, image.height / scale)
        var planes = [UInt8](repeating: 0, count: width * height * image.channels)
        for channel in 0..<image.channels {
            for y in 0..<height {
                for x in 0..<width {
                    var total = 0
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            total += Int(image.pixels[((y * scale + dy) * image.width + x * scale + dx) * image.channels + channel])
                        }
                    }
                    planes[(channel * height + y) * width + x] = UInt8(total / (scale * scale))
                }
            }
        }
        let preview = BatchPreview(channels: image.channels, width: width, height: height, pixels: planes,
                                   labels: [0], predictions: [0], confidences: [], losses: [])
        return BoardPicture(step: step, wallTime: wallTime, image: preview)
    }
}
