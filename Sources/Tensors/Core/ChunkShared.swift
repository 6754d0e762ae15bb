/// The address of memory that the chunks of one op read, or write in disjoint parts, on other threads.
///
/// The one place where memory crosses threads without the compiler's checks, kept to what
/// `ComputePool.forEachChunk` guarantees: it returns only when every chunk is done, so the
/// memory outlives every use, and each chunk writes only its own part.
struct ChunkShared<Element>: Sendable {
    private let address: UInt

    init(_ pointer: UnsafePointer<Element>) { address = UInt(bitPattern: pointer) }
    init(_ pointer: UnsafeMutablePointer<Element>) { address = UInt(bitPattern: pointer) }

    var pointer: UnsafeMutablePointer<Element> { UnsafeMutablePointer(bitPattern: address)! }
}
