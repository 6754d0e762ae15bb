import Telemetry

extension BoardHistogram {
    /// A parameter histogram as TensorBoard buckets: the values below the binned range, the
    /// bins merged into at most 60 buckets, the values above; sums from the mean and spread.
    init(_ histogram: Histogram) {
        let total = Double(histogram.count)
        var limits: [Double] = [], counts: [Double] = []
        if histogram.below > 0 {
            limits.append(histogram.low)
            counts.append(Double(histogram.below))
        }
        let bins = histogram.counts.count
        if bins > 0 {
            let merge = (bins + 59) / 60
            let width = (histogram.high - histogram.low) / Double(bins)
            for start in stride(from: 0, to: bins, by: merge) {
                let end = Swift.min(bins, start + merge)
                limits.append(end == bins ? histogram.high : histogram.low + width * Double(end))
                counts.append(Double(histogram.counts[start..<end].reduce(0, +)))
            }
        }
        if histogram.above > 0 {
            limits.append(Swift.max(histogram.max, histogram.high))
            counts.append(Double(histogram.above))
        }
        self.init(minimum: histogram.min, maximum: histogram.max, count: total, sum: histogram.mean * total,
                  sumOfSquares: (histogram.std * histogram.std + histogram.mean * histogram.mean) * total,
                  limits: limits, counts: counts)
    }
}

/// Up to 16 images of a batch preview side by side in a 4-wide grid, one pixel apart, as raw
/// height × width × channels bytes (the layout PNG encoders take).
struct BatchGrid {
    let width: Int, height: Int, channels: Int
    let pixels: [UInt8]

    /// nil when the preview has no usable image.
    init?(_ batch: BatchPreview) {
        let size = batch.imageSize
        let count = Swift.min(16, batch.count, size > 0 ? batch.pixels.count / size : 0)
        guard count > 0 else { return nil }
        let (w, h, c) = (batch.width, batch.height, batch.channels)
        let columns = Swift.min(4, count), rows = (count + columns - 1) / columns
        width = columns * w + columns - 1
        height = rows * h + rows - 1
        channels = c
        var pixels = [UInt8](repeating: 0, count: width * height * c)
        for image in 0..<count {
            let left = (image % columns) * (w + 1), top = (image / columns) * (h + 1)
            for channel in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        pixels[((top + y) * width + left + x) * c + channel] = batch.pixels[image * size + (channel * h + y) * w + x]
                    }
                }
            }
        }
        self.pixels = pixels
    }
}
