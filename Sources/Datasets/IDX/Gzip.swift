import CGzip

/// gzip decompression and compression through zlib.
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed contents of a whole gzip file (concatenated members too).
    ///
    /// A stream that stops before its end is reported as truncated, naming `path`. With
    /// `limit`, inflating stops as soon as the output would pass `limit` bytes and the file
    /// is refused, so a small file that inflates to gigabytes (a "zip bomb") costs nothing.
    public static func decompress(_ compressed: [UInt8], path: String, limit: Int? = nil) throws -> [UInt8] {
        let cap = limit.map { $0 < Int.max ? $0 + 1 : $0 } ?? Int.max
        let output = try inflateStream(compressed, path: path, stoppingAt: cap)
        if let limit, output.count > limit {
            throw DatasetError(path, "the gzip data inflates to more than the \(limit) bytes its header describes; the file is damaged or hostile (stopped there)",
                               hint: "Download the file again.")
        }
        return output
    }

    /// The first `count` decompressed bytes (fewer if the data is shorter), inflating no more than that.
    public static func decompressPrefix(_ compressed: [UInt8], count: Int, path: String) throws -> [UInt8] {
        try inflateStream(compressed, path: path, stoppingAt: max(count, 0))
    }

    /// Inflates `compressed` until its end or until `cap` bytes were produced, whichever comes first.
    private static func inflateStream(_ compressed: [UInt8], path: String, stoppingAt cap: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard tt_inflate_init_gzip(&stream) == Z_OK else { throw DatasetError(path, "zlib could not start decompressing") }
        defer { inflateEnd(&stream) }
        // The trailer's ISIZE (size mod 2³²) is a good first guess for the output size, but only
        // a guess deflate can reach: it expands at most 1032-fold, so a 30-byte file that claims
        // 1 GiB does not get 1 GiB allocated up front.
        var capacity = compressed.count.multipliedReportingOverflow(by: 2).overflow ? Int.max : compressed.count * 2
        if compressed.count >= 4 {
            let n = compressed.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            if n > 0 && n < 1 << 30 { capacity = min(n, compressed.count * 1032) }
        }
        var output = [UInt8](repeating: 0, count: min(max(capacity, 1024), max(cap, 1)))
        var produced = 0
        return try compressed.withUnsafeBufferPointer { input -> [UInt8] in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            guard let inputCount = UInt32(exactly: input.count) else {
                throw DatasetError(path, "the gzip file is larger than 4 GiB, more than any data set file this reads")
            }
            stream.avail_in = inputCount
            while true {
                if produced >= cap {
                    output.removeSubrange(cap...)
                    return output
                }
                if produced == output.count {
                    output.append(contentsOf: [UInt8](repeating: 0, count: min(output.count, cap - output.count)))
                }
                let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(min(out.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (as `cat a.gz b.gz` makes).
                    if stream.avail_in > 0 && stream.next_in.pointee == 0x1F {
                        inflateReset(&stream)
                        continue
                    }
                    output.removeSubrange(produced...)
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DatasetError(path, "the gzip data ends early (truncated after \(produced) bytes of output); download the file again")
                case Z_BUF_ERROR:
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw DatasetError(path, "corrupt gzip data (\(message)); download the file again")
                }
            }
        }
    }

    /// `bytes` compressed as one gzip member, or as a zlib stream (what PNG's IDAT holds).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6, gzipHeader: Bool = true) -> [UInt8] {
        var stream = z_stream()
        precondition(tt_deflate_init(&stream, level, gzipHeader ? 1 : 0) == Z_OK, "zlib could not start compressing")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var input = bytes
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib deflate failed with \(status)")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }
}
