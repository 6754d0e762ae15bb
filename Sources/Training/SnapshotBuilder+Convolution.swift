import NN
import Tensors
import Telemetry

/// What a snapshot shows of convolutional nets: filter tiles, feature maps, buffers and the mode.
extension SnapshotBuilder {
    /// The first filters of a conv weight `[out, in, kH, kW]` (at most `tileUnits`), each a
    /// `[in, kH, kW]` tile, row-major; empty for other shapes.
    static func filterTiles(_ tensor: Tensor?) -> [Float] {
        guard let tensor, tensor.rank == 4, tensor.count > 0 else { return [] }
        let size = tensor.shape[1] * tensor.shape[2] * tensor.shape[3]
        let units = Swift.min(tileUnits, tensor.shape[0])
        return tensor.withFloats { Array(UnsafeBufferPointer(start: $0, count: units * size)) }
    }

    /// The outputs of the blocks of a `Sequential` convolutional net for image `index` of a
    /// batch `[B, C, H, W]` (or `[B, H, W]`): every layer after which the activations are still
    /// `[1, C, H, W]` maps, except convolutions, batch norms and dropouts (whose outputs the
    /// next activation or pooling shows better), at most `FeatureMaps.maxLayers` layers of at most
    /// `FeatureMaps.maxChannels` maps each. Nil for a model without convolutions.
    ///
    /// The layers run in evaluation mode (batch norm with its running statistics, which it does
    /// not update; dropout off) without recording gradients; every module's own mode is put back
    /// afterwards, so training goes on exactly as if nothing had been computed.
    static func featureMaps(model: Module, images: Tensor, index: Int) -> FeatureMaps? {
        guard let sequential = model as? Sequential, sequential.layers.contains(where: { $0 is Conv2d }),
              images.rank == 3 || images.rank == 4, (0..<images.shape[0]).contains(index) else { return nil }
        let modules = model.modules()
        let modes = modules.map(\.isTraining)
        _ = model.eval()
        // namedModules() lists a module before its descendants, so restoring in that order
        // leaves every module in its own saved mode.
        defer { for (module, mode) in zip(modules, modes) { _ = module.train(mode) } }
        return noGrad {
            let one = images[index..<(index + 1)]
            var x = one.rank == 4 ? one : one.reshape([1, 1, one.shape[1], one.shape[2]])
            var layers: [FeatureMapLayer] = []
            for (name, layer) in sequential.namedChildren() {
                x = layer(x)
                guard layers.count < FeatureMaps.maxLayers, x.rank == 4, x.shape[0] == 1,
                      !(layer is Conv2d || layer is BatchNormBase || layer is Dropout) else { continue }
                let (channels, height, width) = (x.shape[1], x.shape[2], x.shape[3])
                let kept = Swift.min(channels, FeatureMaps.maxChannels) * height * width
                let contiguous = x.contiguous()
                let values = contiguous.withFloats { Array(UnsafeBufferPointer(start: $0, count: kept)) }
                layers.append(FeatureMapLayer(name: name, kind: layer.typeName, shape: [channels, height, width], values: values))
            }
            return FeatureMaps(image: index, layers: layers)
        }
    }

    /// Every buffer of the model with its values' histogram (int64 counters as numbers).
    static func buffers(of model: Module) -> [BufferSnapshot] {
        model.namedBuffers().map { name, tensor in
            let values: Histogram
            if tensor.dtype == .float32 {
                values = histogram(tensor)
            } else {
                let floats = tensor.int64Scalars.map { Float($0) }
                values = floats.withUnsafeBufferPointer { Histogram($0) }
            }
            return BufferSnapshot(name: name, shape: tensor.shape, dtype: tensor.dtype == .float32 ? "float32" : "int64", values: values)
        }
    }

    /// The model's mode when it matters (a batch norm or dropout layer), else nil.
    static func mode(of model: Module) -> ModelMode? {
        guard model.modules().contains(where: { $0 is BatchNormBase || $0 is Dropout }) else { return nil }
        return model.isTraining ? .train : .eval
    }
}
