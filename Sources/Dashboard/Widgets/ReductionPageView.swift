import Telemetry

/// Page 6: the reduction explorer. The batch's images with each sample's cross-entropy
/// (`reduction='none'`) as a bar under it (the largest marked ▲, the selected one ▶), the
/// `sum` and `mean` they reduce to with what `mean` divides by and the options in force, and
/// the selected sample's logits, probabilities, target and gradient.
enum ReductionPageView {
    /// What the page draws.
    struct Input: Equatable {
        var batch: BatchPreview?
        var classNames: [String] = []
        var page = ReductionPageState()
        var mode: ImageMode = .blocks
    }

    /// The input for a state.
    static func input(_ state: DashboardState) -> Input {
        Input(batch: state.snapshot?.batch, classNames: state.snapshot?.classNames ?? [], page: state.reductions, mode: state.imageMode)
    }

    /// Width of one sample's column: a 6-cell thumbnail and a gap.
    static let columnWidth = 7
    /// Rows of a thumbnail (six pixel rows of ▀ blocks).
    static let thumbnailRows = 3

    static func render(_ input: Input, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard let batch = input.batch, BatchView.isWhole(batch), let view = input.page.view, view.losses.count == batch.count else {
            Draw.box(rect, title: "Reduction explorer", focused: true, theme: theme, into: &buffer)
            let text = input.batch == nil ? "no batch yet"
                : !BatchView.isWhole(input.batch!) ? "this batch's images do not fit their stated size, so the page cannot line the losses up under them"
                : input.page.problem ?? "computing the losses…"
            for (i, line) in Overlays.wrap(text, width: rect.width - 4, indent: "").enumerated() {
                buffer.put(line, x: rect.x + 2, y: rect.y + 1 + i, style: theme[.dim], clip: rect.inset(1))
            }
            return
        }
        let classes = view.logits.count
        // Bars of up to 12 rows; the tables below take the rest.
        let topHeight = min(thumbnailRows + 16, max(thumbnailRows + 5, rect.height - (classes + 3)))
        let top = Rect(x: rect.x, y: rect.y, width: rect.width, height: min(rect.height, topHeight))
        samples(batch, view, names: input.classNames, mode: input.mode, in: top, theme: theme, into: &buffer)
        let bottomHeight = rect.height - top.height
        guard bottomHeight >= 4 else { return }
        let rightWidth = max(44, rect.width * 11 / 20)
        let left = Rect(x: rect.x, y: top.maxY, width: rect.width - rightWidth, height: bottomHeight)
        reduced(view, count: batch.count, names: input.classNames, in: left, theme: theme, into: &buffer)
        let right = Rect(x: left.maxX, y: top.maxY, width: rightWidth, height: bottomHeight)
        gradient(view, batch: batch, names: input.classNames, in: right, theme: theme, into: &buffer)
    }

    /// A class's name, or its number when the source named none.
    static func name(_ names: [String], _ index: Int) -> String { names.indices.contains(index) ? names[index] : "\(index)" }

    /// The first sample shown when `shown` columns fit: the selected one stays in view, near the middle.
    static func firstShown(selected: Int, count: Int, shown: Int) -> Int { max(0, min(selected - shown / 2, count - shown)) }

    /// The thumbnails with a bar, the loss and the label under each.
    static func samples(_ batch: BatchPreview, _ view: ReductionView, names: [String], mode: ImageMode, in rect: Rect, theme: Theme,
                        into buffer: inout Buffer) {
        let inner = rect.inset(1)
        let shown = max(1, min(batch.count, inner.width / columnWidth))
        let selected = view.settings.selected
        let first = firstShown(selected: selected, count: batch.count, shown: shown)
        var title = [Draw.Part(text: "Per-sample cross-entropy, reduction='none'", priority: 0)]
        if shown < batch.count { title.append(Draw.Part(text: "samples \(first + 1)–\(first + shown) of \(batch.count)", priority: 1)) }
        Draw.box(rect, title: title, focused: true, theme: theme, into: &buffer)
        let barRows = max(1, min(12, inner.height - thumbnailRows - 2))
        let kept = view.losses.indices.filter { !view.ignored[$0] && view.losses[$0].isFinite }
        let peak = max(1e-12, kept.map { view.losses[$0] }.max() ?? 0)
        let barsTop = inner.y + thumbnailRows, valueRow = barsTop + barRows, labelRow = valueRow + 1
        for column in 0..<shown {
            let index = first + column, x = inner.x + column * columnWidth
            BatchView.drawImage(batch, index, x: x, y: inner.y, columns: columnWidth - 1, rows: thumbnailRows, mode: mode, theme: theme, into: &buffer)
            let loss = view.losses[index]
            if view.ignored[index] {
                buffer.put("ign", x: x + 1, y: valueRow - 1, style: theme[.dim], clip: inner)
                buffer.put("–", x: x + 2, y: valueRow, style: theme[.dim], clip: inner)
            } else {
                let style = index == view.largest ? theme[.warn] : index == selected ? theme[.accent] : theme[.series]
                let eighths = loss.isFinite ? Draw.integer((loss / peak * Double(barRows * 8)).rounded()) : barRows * 8
                for row in 0..<barRows {
                    let filled = min(8, max(0, eighths - 8 * row))
                    guard filled > 0 else { continue }
                    let block = Array("▁▂▃▄▅▆▇█")[filled - 1]
                    buffer.put(String(repeating: block, count: columnWidth - 2), x: x, y: barsTop + barRows - 1 - row, style: style, clip: inner)
                }
                let marked = index == view.largest
                let value = (marked ? "▲" : "") + Draw.number(loss, width: columnWidth - (marked ? 2 : 1))
                buffer.put(value, x: x, y: valueRow, style: marked ? theme[.warn] : theme[.text], clip: inner)
            }
            let label = batch.labels[index]
            let right = batch.predictions.indices.contains(index) && batch.predictions[index] == label
            let text = (index == selected ? "▶" : "") + name(names, label)
            let style = index == selected ? theme[.selected] : right ? theme[.good] : theme[.bad]
            buffer.put(Draw.fit(text, columnWidth - 1), x: x, y: labelRow, style: style, clip: inner)
        }
    }

    /// The loss's options and the `sum` and `mean` the bars reduce to.
    static func reduced(_ view: ReductionView, count: Int, names: [String], in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        Draw.box(rect, title: [Draw.Part(text: "Reduced", priority: 0), Draw.Part(text: "these \(count) samples", priority: 1)],
                 focused: false, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        let settings = view.settings
        var lines: [(String, Style)] = []
        func add(_ text: String, _ style: Style) {
            lines += Overlays.wrap(text, width: inner.width - 1, indent: "    ").map { ($0, style) }
        }
        for line in callLines(view.call, width: inner.width - 1) { lines.append((line, theme[.accent])) }
        add("sum  = " + Draw.number(view.sum, digits: 5), theme[.text])
        add("mean = sum / " + Draw.number(view.denominator, digits: 5) + " = " + Draw.number(view.mean, digits: 5), theme[.title])
        add("  " + Draw.number(view.denominator, digits: 5) + " = " + view.denominatorText, theme[.dim])
        if let weighted = settings.weightedClass {
            add("w: \(name(names, weighted)) ×\(Draw.number(settings.weightFactor)), other classes 1", theme[.text])
        } else {
            add("weight=None: every class 1", theme[.dim])
        }
        if settings.probabilityTargets {
            add("ignore_index: class-index targets only", theme[.dim])
        } else if let ignored = settings.ignoredClass {
            add("ignore_index=\(ignored) (\(name(names, ignored))): \(view.ignored.filter { $0 }.count) ignored", theme[.text])
        } else {
            add("ignore_index=-100: none ignored", theme[.dim])
        }
        add("label_smoothing=\(Draw.number(settings.labelSmoothing))", settings.labelSmoothing > 0 ? theme[.text] : theme[.dim])
        add(settings.probabilityTargets ? "target: probabilities [N, C], one-hot" : "target: class indices [N]", theme[.text])
        for (i, (text, style)) in lines.prefix(inner.height).enumerated() {
            buffer.put(text, x: inner.x + 1, y: inner.y + i, style: style, clip: inner)
        }
    }

    /// `loss_fn = nn.CrossEntropyLoss(...)` on one line when it fits, else one option a line.
    static func callLines(_ call: String, width: Int) -> [String] {
        let whole = "loss_fn = " + call
        guard whole.count > width, let open = call.firstIndex(of: "("), call.hasSuffix(")") else { return [whole] }
        let options = call[call.index(after: open)..<call.index(before: call.endIndex)].components(separatedBy: ", ")
        return ["loss_fn = " + call[...open]] + options.enumerated().map { i, option in "    " + option + (i == options.count - 1 ? ")" : ",") }
    }

    /// The selected sample's logits, softmax, target and the gradient of the chosen reduction.
    static func gradient(_ view: ReductionView, batch: BatchPreview, names: [String], in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        let settings = view.settings, sample = settings.selected
        let label = batch.labels[sample]
        let of = settings.gradientOf == .mean ? "mean" : "sum"
        Draw.box(rect, title: [Draw.Part(text: "Sample \(sample + 1): \(name(names, label))", priority: 0),
                               Draw.Part(text: "∂\(of)/∂logits (r)", priority: 1)], focused: false, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        let classes = view.logits.count
        let header = Draw.fit("class", 11) + Draw.fit("logit", 6, alignRight: true) + Draw.fit("p", 6, alignRight: true)
            + Draw.fit("target", 7, alignRight: true) + Draw.fit("grad", 8, alignRight: true)
        buffer.put(header, x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
        let isIgnored = view.ignored.indices.contains(sample) && view.ignored[sample]
        let notes = [
            isIgnored ? "ignored (ignore_index): no loss, so no gradient"
                : "Σ grad = 0: probability only moves between classes",
            settings.gradientOf == .mean ? "∂sum/∂logits is this × \(Draw.number(view.denominator, digits: 5)) (r)"
                : "∂mean/∂logits is this ÷ \(Draw.number(view.denominator, digits: 5)) (r)",
        ]
        let noteRows = max(0, min(notes.count, inner.height - 1 - classes - 1))
        let rows = max(0, inner.height - 1 - (noteRows > 0 ? noteRows + 1 : 0))
        for (i, note) in notes.prefix(noteRows).enumerated() {
            buffer.put(note, x: inner.x + 1, y: inner.maxY - noteRows + i, style: theme[.dim], clip: inner)
        }
        let first = max(0, min(label - rows / 2, classes - rows))
        let barX = inner.x + 1 + header.count + 1, barWidth = max(0, inner.maxX - barX)
        let peak = max(1e-12, view.gradient.map { $0.isFinite ? abs($0) : 0 }.max() ?? 0)
        for (row, c) in (first..<min(classes, first + rows)).enumerated() {
            let y = inner.y + 1 + row
            var tag = c == settings.weightedClass ? "×\(Draw.number(settings.weightFactor))" : ""
            if c == settings.ignoredClass && !settings.probabilityTargets { tag = "ign" }
            let nameText = Draw.fit(Draw.fit(name(names, c), 10 - tag.count) + tag, 11)
            buffer.put(nameText, x: inner.x + 1, y: y, style: c == label ? theme[.good] : theme[.text], clip: inner)
            let numbers = Draw.fit(Draw.decimal(view.logits[c], 2, width: 5), 6, alignRight: true)
                + Draw.fit(Draw.decimal(view.probabilities.indices.contains(c) ? view.probabilities[c] : .nan, 3, width: 5), 6, alignRight: true)
                + Draw.fit(Draw.decimal(view.target[c], 3, width: 6), 7, alignRight: true)
            buffer.put(numbers, x: inner.x + 12, y: y, style: theme[.text], clip: inner)
            let g = view.gradient.indices.contains(c) ? view.gradient[c] : .nan
            let gradText = (g > 0 ? "+" : "") + Draw.decimal(g, 4, width: 7)
            buffer.put(Draw.fit(gradText, 8, alignRight: true), x: inner.x + 1 + header.count - 8, y: y, style: theme[.accent], clip: inner)
            if barWidth > 0, g.isFinite {
                let length = Draw.integer((abs(g) / peak * Double(barWidth)).rounded())
                buffer.put(String(repeating: "█", count: min(barWidth, length)), x: barX, y: y,
                           style: g < 0 ? theme[.good] : theme[.warn], clip: inner)
            }
        }
    }
}
