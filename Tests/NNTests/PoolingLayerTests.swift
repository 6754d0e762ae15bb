import Testing
import NN
import Tensors

/// The pooling layers: PyTorch's reprs, no parameters, the ops underneath, 3-D input, errors.
@Suite struct PoolingLayerTests {
    @Test func reprsMatchPyTorch() {
        // Printed by PyTorch 2.15 for the same constructor arguments.
        #expect(MaxPool2d(kernelSize: 2).description == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")
        #expect(MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true).description
            == "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)")
        #expect(MaxPool2d(kernelSize: .pair(2, 3)).description
            == "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)")
        #expect(AvgPool2d(kernelSize: 2).description == "AvgPool2d(kernel_size=2, stride=2, padding=0)")
        #expect(AvgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false, divisorOverride: 2).description
            == "AvgPool2d(kernel_size=3, stride=2, padding=1)")
        #expect(AvgPool2d(kernelSize: .pair(2, 3), stride: .pair(1, 2)).description
            == "AvgPool2d(kernel_size=(2, 3), stride=(1, 2), padding=0)")
        #expect(AdaptiveAvgPool2d(1).description == "AdaptiveAvgPool2d(output_size=1)")
        #expect(AdaptiveAvgPool2d(.pair(3, 2)).description == "AdaptiveAvgPool2d(output_size=(3, 2))")
        #expect(AdaptiveMaxPool2d(3).description == "AdaptiveMaxPool2d(output_size=3)")
        #expect(AdaptiveMaxPool2d(.pair(2, nil)).description == "AdaptiveMaxPool2d(output_size=(2, None))")
    }

    @Test func layersHaveNoParametersAndRunTheOps() throws {
        let x = Tensor.randn([2, 3, 8, 6], generator: Generator(seed: 5))
        let layers: [Module] = [MaxPool2d(kernelSize: 2), AvgPool2d(kernelSize: 3, stride: 2, padding: 1),
                                AdaptiveAvgPool2d(.pair(2, nil)), AdaptiveMaxPool2d(3)]
        for layer in layers { #expect(layer.parameters().isEmpty) }
        #expect(layers[0](x).scalars == (try x.maxPool2d(kernelSize: 2)).scalars)
        #expect(layers[1](x).scalars == (try x.avgPool2d(kernelSize: 3, stride: 2, padding: 1)).scalars)
        #expect(layers[2](x).shape == [2, 3, 2, 6])
        #expect(layers[3](x).scalars == (try x.adaptiveMaxPool2d(3)).scalars)
        let (values, indices) = MaxPool2d(kernelSize: 2).withIndices(x)
        #expect(values.shape == [2, 3, 4, 3] && indices.shape == [2, 3, 4, 3])
        #expect(MaxPool2d(kernelSize: 2)(Tensor.zeros([3, 8, 6])).shape == [3, 4, 3])
    }

    @Test func sequentialCNNBlockShapes() {
        let net = Sequential(MaxPool2d(kernelSize: 2), AvgPool2d(kernelSize: 2), AdaptiveAvgPool2d(1), Flatten())
        #expect(net(Tensor.zeros([4, 16, 28, 28])).shape == [4, 16])
    }

    @Test func badSizesStopWithPyTorchsMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MaxPool2d(kernelSize: 2, padding: 2)(Tensor.zeros([1, 1, 5, 5]))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1"))
            #expect(text.contains("MaxPool2d(kernel_size=2") && text.contains("[1, 1, 5, 5]"))
        }
    }
}
