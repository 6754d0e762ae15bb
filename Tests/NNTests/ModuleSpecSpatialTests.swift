import Foundation
import Testing
import NN
import Tensors

/// Whole-model descriptions of convolution, pooling and batch-norm layers: every setting
/// survives JSON, the rebuilt layer is the same, and hostile settings are refused by name.
@Suite struct ModuleSpecSpatialTests {
    /// One of each spatial layer, with settings away from the defaults.
    static func layers() throws -> [Module] {
        [
            try Conv2d(4, 6, kernelSize: [3, 1], stride: [2, 1], padding: [1, 0], dilation: 2, groups: 2, bias: false, paddingMode: .reflect),
            try Conv2d(3, 8, kernelSize: 5, padding: .same),
            try Conv2d(3, 8, kernelSize: 1, padding: .valid, paddingMode: .circular),
            MaxPool2d(kernelSize: .pair(3, 2), stride: 2, padding: 1, dilation: 1, ceilMode: true),
            AvgPool2d(kernelSize: 3, stride: .pair(2, 1), padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 4),
            AdaptiveAvgPool2d(.pair(2, nil)),
            AdaptiveMaxPool2d(3),
            BatchNorm1d(5, eps: 1e-3, momentum: nil, affine: false),
            BatchNorm2d(7, momentum: 0.3, trackRunningStats: false, bias: false),
        ]
    }

    @Test func everySettingSurvivesJSONAndRebuildsTheSameLayer() throws {
        for layer in try Self.layers() {
            let spec = try ModuleSpec(describing: layer)
            let json = try JSONEncoder().encode(spec)
            let decoded = try JSONDecoder().decode(ModuleSpec.self, from: json)
            #expect(decoded == spec, "\(layer.description)")
            let rebuilt = decoded.makeModule()
            #expect(rebuilt.description == layer.description)
            #expect(rebuilt.stateDict().keys == layer.stateDict().keys)
            #expect(decoded.parameterCount == layer.parameters().reduce(0) { $0 + $1.count }, "\(layer.description)")
        }
    }

    @Test func sizesAndPaddingsReadPyTorchsSpellings() throws {
        let json = #"""
            {"conv2d": {"inChannels": 1, "outChannels": 2, "kernelSize": 3, "stride": [2, 1], "padding": "same",
             "dilation": 1, "groups": 1, "bias": true, "paddingMode": "zeros"}}
            """#
        let spec = try JSONDecoder().decode(ModuleSpec.self, from: Data(json.utf8))
        #expect(spec == .conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, stride: [2, 1], padding: .same, dilation: 1,
                                groups: 1, bias: true, paddingMode: .zeros))
        #expect(throws: (any Error).self) { try spec.validate() }  // same with a stride
        let adaptive = try JSONDecoder().decode(ModuleSpec.self, from: Data(#"{"adaptiveAvgPool2d": {"outputSize": [null, 4]}}"#.utf8))
        #expect(adaptive == .adaptiveAvgPool2d(outputSize: .pair(nil, 4)))
        #expect(try adaptive.outputShape(forInput: [2, 3, 9, 9]) == [2, 3, 9, 4])
        for bad in [#"{"maxPool2d": {"kernelSize": [1, 2, 3], "stride": 1, "padding": 0, "dilation": 1, "ceilMode": false}}"#,
                    #"{"conv2d": {"inChannels": 1, "outChannels": 2, "kernelSize": 3, "stride": 1, "padding": "full", "dilation": 1, "groups": 1, "bias": true, "paddingMode": "zeros"}}"#,
                    #"{"conv2d": {"inChannels": 1, "outChannels": 2, "kernelSize": 3, "stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": true, "paddingMode": "mirror"}}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(ModuleSpec.self, from: Data(bad.utf8)) }
        }
    }

    @Test func outputShapesMatchRunningTheLayers() throws {
        let input = [2, 4, 11, 9]
        for layer in try Self.layers() {
            let spec = try ModuleSpec(describing: layer)
            let shape: [Int] = switch spec {
            case .conv2d(let inChannels, _, _, _, _, _, _, _, _): [2, inChannels, 11, 9]
            case .batchNorm1d(let settings): [2, settings.numFeatures, 6]
            case .batchNorm2d(let settings): [2, settings.numFeatures, 5, 5]
            default: input
            }
            let x = Tensor.zeros(shape)
            #expect(try spec.outputShape(forInput: shape) == noGrad { layer(x) }.shape, "\(layer.description)")
        }
    }

    @Test func hostileSettingsAreRefusedByName() {
        func message(_ spec: ModuleSpec) -> String {
            do { try spec.validate(); return "" } catch { return "\(error)" }
        }
        func conv(in inChannels: Int = 4, out: Int = 4, kernel: Pair2d = 3, stride: Pair2d = 1, padding: Conv2dPadding = 0,
                  dilation: Pair2d = 1, groups: Int = 1) -> ModuleSpec {
            .sequential([.conv2d(inChannels: inChannels, outChannels: out, kernelSize: kernel, stride: stride, padding: padding,
                                 dilation: dilation, groups: groups, bias: true, paddingMode: .zeros)])
        }
        #expect(message(conv(kernel: 0)) == "layer 0 (Conv2d): kernel_size is 0; it must be at least 1")
        #expect(message(conv(stride: [1, -2])) == "layer 0 (Conv2d): stride is -2; it must be at least 1")
        #expect(message(conv(padding: [-1, 0])) == "layer 0 (Conv2d): padding is -1; it must not be negative")
        #expect(message(conv(groups: 3)) == "layer 0 (Conv2d): in_channels must be divisible by groups (4 and 3)")
        #expect(message(conv(groups: 0)) == "layer 0 (Conv2d): groups is 0; it must be at least 1")
        #expect(message(conv(dilation: Pair2d(Int.max))).contains("dilation is 9223372036854775807; more than 1048576 is refused"))
        #expect(message(conv(in: 1 << 20, out: 1 << 20, kernel: Pair2d(1 << 20))).contains("more parameters than a 64-bit integer can count"))
        #expect(message(conv(in: 1 << 20, out: 1 << 20)).contains("need"))  // 36 TB of weights
        #expect(message(.maxPool2d(kernelSize: 2, stride: 0, padding: 0, dilation: 1, ceilMode: false))
                == "the model (MaxPool2d): stride is 0; it must be at least 1")
        #expect(message(.avgPool2d(kernelSize: 2, stride: 2, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: 0))
                == "the model (AvgPool2d): divisor_override is 0; it must be at least 1")
        #expect(message(.adaptiveMaxPool2d(outputSize: .pair(0, nil))) == "the model (AdaptiveMaxPool2d): output_size is 0; it must be at least 1")
        #expect(message(.batchNorm2d(settings: BatchNormSettings(numFeatures: 0))) == "the model (BatchNorm2d): num_features is 0; it must be at least 1")
        #expect(message(.batchNorm1d(settings: BatchNormSettings(numFeatures: 3, eps: .nan))).contains("eps is nan"))
        #expect(message(.batchNorm1d(settings: BatchNormSettings(numFeatures: 3, momentum: .infinity))).contains("momentum is inf"))
    }

    @Test func inputsALayerCannotTakeGivePyTorchsMessage() {
        func message(_ spec: ModuleSpec, _ shape: [Int]) -> String {
            do { _ = try spec.outputShape(forInput: shape); return "" } catch { return "\(error)" }
        }
        let conv = ModuleSpec.convolution(2, 4, kernel: 3)
        #expect(message(conv, [1, 3, 5, 5]) == "the model (Conv2d): Given groups=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 channels, but got 3 channels instead; its input has shape [1, 3, 5, 5]")
        #expect(message(conv, [1, 2, 2, 2]).contains("Kernel size can't be greater than actual input size"))
        #expect(message(.maxPool2d(kernelSize: 2, stride: 2, padding: 2, dilation: 1, ceilMode: false), [1, 1, 8, 8])
                .contains("pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1"))
        #expect(message(.batchNorm2d(settings: BatchNormSettings(numFeatures: 3)), [2, 3]).contains("expected 4D input (got 2D input)"))
        #expect(message(.batchNorm2d(settings: BatchNormSettings(numFeatures: 3)), [2, 4, 5, 5]).contains("running_mean should contain 4 elements not 3"))
        let reflect = ModuleSpec.conv2d(inChannels: 1, outChannels: 1, kernelSize: 5, stride: 1, padding: 4, dilation: 1, groups: 1,
                                        bias: true, paddingMode: .reflect)
        #expect(message(reflect, [1, 1, 3, 3]).contains("Padding size should be less than the corresponding input dimension"))
    }
}
