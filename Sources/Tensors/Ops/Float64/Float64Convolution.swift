// float64 convolution and padding: the lowering is a gather, the product a (batched) matrix product.

extension Float64Ops {
    /// `F.conv2d` in float64 on an [N, C, H, W] input (`ConvolutionBackward0`), for the geometry
    /// the float32 op checked: each channel plane is lowered to [L, kH·kW] windows (zero where
    /// they reach into the padding), and every group's weights multiply its channels' windows.
    static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, _ shape: ConvolutionGeometry) -> Tensor {
        requireSameFloatType(input, weight, style: .scalarType)
        if let bias { requireSameFloatType(input, bias, style: .scalarType) }
        let kernel = shape.kernelH * shape.kernelW
        let sources = windowSources(outH: shape.outH, outW: shape.outW, windowSize: kernel, inH: shape.height, inW: shape.width) { oh, ow, k in
            (oh * shape.strideH - shape.padTop + (k / shape.kernelW) * shape.dilationH,
             ow * shape.strideW - shape.padLeft + (k % shape.kernelW) * shape.dilationW)
        }
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        return composite(name: "ConvolutionBackward0", inputs: inputs) { v in
            let (n, groups, positions) = (shape.batch, shape.groups, shape.positions)
            let windows = gatherPlanes(v[0], sources: sources, trailingShape: [positions, kernel], fill: 0, name: "Im2ColBackward0")
            // [N, G, C/G, L, K] -> [G, C/G·K, N·L]: each group's lowered columns side by side for all images.
            let columns = try! windows.reshape([n, groups, shape.groupChannels, positions, kernel])
                .permute([1, 2, 4, 0, 3]).reshape([groups, shape.columnRows, n * positions])
            let weights = v[1].reshape([groups, shape.groupOutChannels, shape.columnRows])
            let product = weights.matmul(columns)  // [G, O/G, N·L]
            var out = try! product.reshape([shape.outChannels, n, shape.outH, shape.outW]).permute([1, 0, 2, 3]).contiguous()
            if bias != nil { out = out + v[2].reshape([1, shape.outChannels, 1, 1]) }
            return out
        }
    }

    /// `F.pad` with a `reflect` / `replicate` / `circular` border in float64: a copy whose
    /// gradient adds back onto the copied elements (recorded as PyTorch's node for the mode).
    static func pad2d(_ input: Tensor, rows: [Int], columns: [Int], width: Int, mode: Pad2dMode) -> Tensor {
        let sources = rows.flatMap { r in columns.map { r * width + $0 } }
        return gatherPlanes(input, sources: sources, trailingShape: [rows.count, columns.count], fill: 0, name: mode.nodeName)
    }
}
