import Telemetry

/// Page 2: the test set's confusion matrix (counts shaded by size) and per-class accuracy.
enum ConfusionView {
    /// What the page draws.
    struct Input: Equatable {
        /// The test results at epoch ends, oldest first; the matrix is the last one's.
        var epochs: [EpochResult]
        /// The classes' names by index (a missing one shows as its number).
        var classNames: [String] = []
        /// Whether the terminal shows colours (counts are shaded by size).
        var colors = true
    }

    /// The input for a state.
    static func input(_ state: DashboardState) -> Input {
        Input(epochs: state.snapshot?.epochResults ?? [], classNames: state.snapshot?.classNames ?? [], colors: state.colorsAvailable)
    }

    static func render(_ input: Input, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        let result = input.epochs.last
        var title = [Draw.Part(text: "Confusion matrix", priority: 0), Draw.Part(text: "(1 back)", priority: 1)]
        if let result {
            title.insert(Draw.Part(text: "epoch \(result.epoch), test accuracy \(Draw.decimal(result.testAccuracy * 100, 2, width: 6))%", priority: 0), at: 1)
        }
        Draw.box(rect, title: title, focused: true, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard let result else {
            buffer.put("appears at the end of the first epoch", x: inner.x + 1, y: inner.y + 1, style: theme[.dim], clip: inner)
            return
        }
        let classes = result.confusion.count
        guard classes > 0 else {
            // An attached script's epochs may carry losses and accuracy without the matrix.
            buffer.put("no confusion matrix: this run reports losses and accuracy only", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
            epochTable(input.epochs, at: inner.y + 2, in: inner, theme: theme, into: &buffer)
            return
        }
        let names = (0..<classes).map { c in input.classNames.indices.contains(c) ? input.classNames[c] : "\(c)" }
        let peak = max(1, result.confusion.flatMap { $0 }.max() ?? 1)
        // Columns as wide as the longest word of a class name (names wrap onto two header
        // lines at spaces and after /), at least the widest count. When the screen is too
        // narrow for that, columns are headed by class numbers and the rows say which is which.
        let wrapped = names.map { headerLines($0) }
        let longestWord = wrapped.flatMap { $0 }.map(\.count).max() ?? 1
        let numbered = (inner.width - min(16, names.map(\.count).max() ?? 5) - 11) / max(classes, 1) < longestWord + 1
        let rowNames = numbered ? names.enumerated().map { "\($0.offset) \($0.element)" } : names
        let labels = numbered ? (0..<classes).map { ["\($0)"] } : wrapped
        let nameWidth = min(16, max(5, rowNames.map(\.count).max() ?? 5))
        let room = (inner.width - nameWidth - 1 - 10) / max(classes, 1)
        let wanted = numbered ? 7 : (labels.flatMap { $0 }.map(\.count).max() ?? 1) + 1
        let cellWidth = max("\(peak)".count + 1, min(wanted, room))
        let headerHeight = labels.contains { $0.count > 1 } ? 2 : 1
        let columnX = { (c: Int) in inner.x + nameWidth + 1 + c * cellWidth }
        buffer.put(Draw.fit(nameWidth >= 15 ? "true \\ predicted" : "true\\pred", nameWidth + 1), x: inner.x, y: inner.y + headerHeight - 1, style: theme[.dim], clip: inner)
        for (c, lines) in labels.enumerated() {
            for (row, line) in lines.enumerated() {
                buffer.put(Draw.fit(line, cellWidth - 1, alignRight: true), x: columnX(c), y: inner.y + row + headerHeight - lines.count, style: theme[.dim], clip: inner)
            }
        }
        buffer.put("  accuracy", x: columnX(classes), y: inner.y + headerHeight - 1, style: theme[.dim], clip: inner)
        let firstRow = inner.y + headerHeight
        for (row, counts) in result.confusion.enumerated() where firstRow + row < inner.maxY {
            let y = firstRow + row
            buffer.put(Draw.fit(rowNames[row], nameWidth), x: inner.x, y: y, style: theme[.text])
            for (column, count) in counts.enumerated() {
                var style = row == column ? theme[.good].bolded : (count > 0 ? theme[.bad] : theme[.dim])
                if input.colors && count > 0 {
                    // The shade says how many; the text stays readable on it.
                    style = theme.readable(style, on: Draw.grey(UInt8(40 + Draw.integer(150 * Double(max(0, min(count, peak))) / Double(peak)))))
                }
                buffer.put(Draw.fit("\(count)", cellWidth - 1, alignRight: true) + " ", x: columnX(column), y: y, style: style, clip: inner)
            }
            let accuracy = result.perClassAccuracy.indices.contains(row) ? result.perClassAccuracy[row] : .nan
            buffer.put("  " + Draw.decimal(accuracy * 100, 1, width: 5) + "%", x: columnX(counts.count), y: y,
                       style: accuracy >= 0.85 ? theme[.good] : theme[.warn], clip: inner)
        }
        epochTable(input.epochs, at: firstRow + classes + 1, in: inner, theme: theme, into: &buffer)
    }

    /// Every epoch's losses and test accuracy, newest last, from line `historyY` down.
    static func epochTable(_ epochs: [EpochResult], at historyY: Int, in inner: Rect, theme: Theme, into buffer: inout Buffer) {
        guard historyY < inner.maxY else { return }
        buffer.put("epoch  train loss  test loss  test accuracy", x: inner.x, y: historyY, style: theme[.dim], clip: inner)
        for (i, epoch) in epochs.suffix(inner.maxY - historyY - 1).enumerated() {
            let line = Draw.fit("\(epoch.epoch)", 5, alignRight: true) + " " + Draw.fit(Draw.decimal(epoch.trainLoss, 4, width: 10), 11, alignRight: true)
                + " " + Draw.fit(Draw.decimal(epoch.testLoss, 4, width: 9), 10, alignRight: true)
                + " " + Draw.fit(Draw.decimal(epoch.testAccuracy * 100, 2, width: 12) + "%", 14, alignRight: true)
            buffer.put(line, x: inner.x, y: historyY + 1 + i, style: theme[.text], clip: inner)
        }
    }

    /// A class name as at most two header lines, broken at its first space or after its first `/`.
    static func headerLines(_ name: String) -> [String] {
        if let space = name.firstIndex(of: " ") {
            return [String(name[..<space]), String(name[name.index(after: space)...])]
        }
        if let slash = name.firstIndex(of: "/"), name.index(after: slash) < name.endIndex {
            return [String(name[...slash]), String(name[name.index(after: slash)...])]
        }
        return [name]
    }
}
