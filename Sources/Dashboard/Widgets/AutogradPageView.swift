import Telemetry

/// Page 5: a small graph's backward, node by node. The program, the backward call (gradient
/// and retain_graph), the graph as a tree with PyTorch's node names (the node that just ran
/// highlighted, gradients waiting marked, leaves with their value and `.grad`), and the last
/// step's gradients or PyTorch's error.
enum AutogradPageView {
    static func render(_ page: AutogradPageState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        var title = [Draw.Part(text: "Autograd stepper", priority: 0)]
        if let view = page.view, view.nodeCount > 0 {
            title.append(Draw.Part(text: "step \(view.stepsDone) of \(view.nodeCount) nodes", priority: 1))
            if view.backwardsFinished > 0 { title.append(Draw.Part(text: "\(view.backwardsFinished) backward done", priority: 2)) }
        }
        Draw.box(rect, title: title, focused: true, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard inner.height >= 4, let view = page.view else {
            buffer.put("loading the example…", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
            return
        }
        // The program (or the one being typed) on up to two lines, then the call the next `b` makes.
        let programText = page.draft.map { $0 + "▏" + ($0.isEmpty ? "  e.g. w = [1, -2]; x = [3, 4]; y = sum(relu(w * x))" : "") } ?? view.program
        let programLines = Array(Overlays.wrap("program: " + programText, width: inner.width - 2, indent: "         ").prefix(2))
        for (i, text) in programLines.enumerated() {
            buffer.put(text, x: inner.x + 1, y: inner.y + i, style: page.draft == nil ? theme[.text] : theme[.accent], clip: inner)
        }
        if page.draft == nil { buffer.put("program:", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner) }
        let seed = view.seeds.isEmpty ? "" : view.seeds[min(page.seed, view.seeds.count - 1)]
        let argument = seed + (page.retainGraph ? (seed.isEmpty ? "" : ", ") + "retain_graph=True" : "")
        let name = view.rows.first?.name ?? "y"
        var line = "next b: \(name).backward(\(argument))"
        if let call = view.call { line += "   last: \(call)" }
        buffer.put(line, x: inner.x + 1, y: inner.y + programLines.count, style: theme[.dim], clip: inner)

        // The footer: the last step or PyTorch's error.
        // A step's gradients can be a model's whole layer: at most three lines of them.
        var footer: [(text: String, style: Style, lines: Int)] = []
        if let error = view.error { footer.append(("error: " + error + " (.grad unchanged)", theme[.alarm], Int.max)) }
        if let step = view.lastStep { footer.append((step, theme[.text], 3)) }
        if view.call == nil { footer.append(("b calls backward, n steps through it node by node", theme[.dim], Int.max)) }
        let footerLines = footer.flatMap { item in
            let lines = Overlays.wrap(item.text, width: inner.width - 2, indent: "  ")
            let kept = lines.count > item.lines ? lines.prefix(item.lines - 1) + [String(lines[item.lines - 1].dropLast()) + "…"] : lines[...]
            return kept.map { ($0, item.style) }
        }.prefix(max(1, inner.height / 4))
        let treeTop = inner.y + programLines.count + 2
        let treeRows = max(0, inner.maxY - footerLines.count - 1 - treeTop)
        let first = min(page.scroll, max(0, view.rows.count - treeRows))
        for (offset, row) in view.rows.dropFirst(first).prefix(treeRows).enumerated() {
            draw(row, x: inner.x + 1, y: treeTop + offset, width: inner.width - 2, theme: theme, into: &buffer)
        }
        if first > 0 { buffer.put("↑ \(first) more", x: inner.maxX - 12, y: treeTop - 1, style: theme[.dim], clip: inner) }
        let below = view.rows.count - first - treeRows
        if below > 0 { buffer.put("↓ \(below) more", x: inner.maxX - 12, y: treeTop + treeRows, style: theme[.dim], clip: inner) }
        for (i, (text, style)) in footerLines.enumerated() {
            buffer.put(text, x: inner.x + 1, y: inner.maxY - footerLines.count + i, style: style, clip: inner)
        }
    }

    /// One tree row: the branch lines, the node (or leaf), its value, and the gradient at it.
    static func draw(_ row: AutogradView.Row, x: Int, y: Int, width: Int, theme: Theme, into buffer: inout Buffer) {
        let clip = Rect(x: x, y: y, width: width, height: 1)
        var at = buffer.put(row.prefix, x: x, y: y, style: theme[.axis], clip: clip)
        let labelStyle: Style = switch row.state {
        case .current: theme[.selected]
        case .waiting: theme[.warn].bolded
        case .done: theme[.dim]
        case .idle: row.isLeaf ? theme[.good] : theme[.title]
        }
        at = buffer.put(row.label, x: at, y: y, style: labelStyle, clip: clip)
        if let name = row.name { at = buffer.put(" (\(name))", x: at, y: y, style: theme[.dim], clip: clip) }
        if row.repeatOf != nil {
            buffer.put("  ↑ as above", x: at, y: y, style: theme[.dim], clip: clip)
            return
        }
        at = buffer.put(" = " + row.value, x: at, y: y, style: theme[.text], clip: clip)
        if row.isLeaf {
            at = buffer.put("  requires_grad=\(row.requiresGrad ? "True" : "False")  .grad ", x: at, y: y, style: theme[.dim], clip: clip)
            at = buffer.put(row.grad ?? "None", x: at, y: y, style: row.state == .current ? theme[.selected] : theme[.good], clip: clip)
        }
        if let gradient = row.gradient {
            let text = row.state == .waiting ? "  ◂ waiting: \(gradient)" : "  ◂ in: \(gradient)"
            buffer.put(text, x: at, y: y, style: row.state == .waiting ? theme[.warn] : theme[.accent], clip: clip)
        }
    }
}
