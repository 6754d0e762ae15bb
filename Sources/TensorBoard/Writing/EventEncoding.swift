import Foundation

/// Serialised `Event` protobufs for an event file, in the forms TensorBoard reads.
public enum EventEncoding {
    /// The first record of every event file: the file version, "brain.Event:2".
    public static func fileVersion(wallTime: Double) -> [UInt8] {
        var event = TBEvent()
        event.wallTime = wallTime
        event.fileVersion = "brain.Event:2"
        return serialized(event)
    }

    /// One scalar (`simple_value`), as PyTorch's `add_scalar` writes it.
    public static func scalar(tag: String, step: Int64, wallTime: Double, value: Float) -> [UInt8] {
        var value32 = TBSummary.Value()
        value32.tag = tag
        value32.simpleValue = value
        return summaryEvent([value32], step: step, wallTime: wallTime)
    }

    /// One histogram, as `add_histogram` writes it.
    public static func histogram(tag: String, step: Int64, wallTime: Double, _ histogram: BoardHistogram) -> [UInt8] {
        var proto = TBHistogramProto()
        proto.min = histogram.minimum
        proto.max = histogram.maximum
        proto.num = histogram.count
        proto.sum = histogram.sum
        proto.sumSquares = histogram.sumOfSquares
        proto.bucketLimit = histogram.limits
        proto.bucket = histogram.counts
        var value = TBSummary.Value()
        value.tag = tag
        value.histo = proto
        return summaryEvent([value], step: step, wallTime: wallTime)
    }

    /// One encoded image, as `add_image` writes it (`channels`: 1 grey, 3 RGB).
    public static func image(tag: String, step: Int64, wallTime: Double, _ image: EncodedImage, channels: Int) -> [UInt8] {
        var proto = TBSummary.Image()
        proto.width = Int32(clamping: image.width)
        proto.height = Int32(clamping: image.height)
        proto.colorspace = Int32(clamping: channels)
        proto.encodedImageString = image.bytes
        var value = TBSummary.Value()
        value.tag = tag
        value.image = proto
        return summaryEvent([value], step: step, wallTime: wallTime)
    }

    private static func summaryEvent(_ values: [TBSummary.Value], step: Int64, wallTime: Double) -> [UInt8] {
        var event = TBEvent()
        event.wallTime = wallTime
        event.step = step
        var summary = TBSummary()
        summary.value = values
        event.summary = summary
        return serialized(event)
    }

    private static func serialized(_ event: TBEvent) -> [UInt8] {
        // Encoding a message built in memory cannot fail (no required fields, no Any).
        (try? event.serializedBytes()) ?? []
    }
}
