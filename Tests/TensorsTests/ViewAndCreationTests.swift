import Testing
import Tensors

/// Views share storage like PyTorch's; factories make the values PyTorch makes.
@Suite struct ViewAndCreationTests {
    @Test func viewsShareStorageAndSeeInPlaceUpdates() throws {
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let t = m.t()
        #expect(t.shape == [3, 2])
        #expect(t.scalars == [1, 4, 2, 5, 3, 6])
        #expect(!t.isContiguous)
        #expect(t.sharesStorage(with: m))
        m[0].fill_(0)
        #expect(t.scalars == [0, 4, 0, 5, 0, 6])
        t[2].fill_(9)  // column 2 of m
        #expect(m.scalars == [0, 0, 9, 4, 5, 9])
        #expect(m.reshape([6]).sharesStorage(with: m))
        #expect(!t.reshape([6]).sharesStorage(with: m))
    }

    @Test func indexingAndSlicing() throws {
        let x = Tensor.arange(0, 12).reshape([3, 4])
        #expect(x[1].scalars == [4, 5, 6, 7])
        #expect(x[1, 2].item() == 6)
        #expect(x[-1, -1].item() == 11)
        #expect(x[0..<2].shape == [2, 4])
        #expect(x[1...].scalars == Array(4...11).map(Float.init))
        #expect(x[..<1].scalars == [0, 1, 2, 3])
        #expect(x.slice(1, 1..<3).scalars == [1, 2, 5, 6, 9, 10])
    }

    @Test func movementOps() throws {
        let x = Tensor.arange(0, 24).reshape([2, 3, 4])
        #expect(try x.permute([2, 0, 1]).shape == [4, 2, 3])
        #expect(try x.permute([2, 0, 1])[1, 1].scalars == [13, 17, 21])
        #expect(try x.transpose(0, 2).shape == [4, 3, 2])
        #expect(x.flatten().shape == [24])
        #expect(x.flatten(startDim: 1).shape == [2, 12])
        #expect(x.flatten(startDim: 0, endDim: 1).shape == [6, 4])
        #expect(x.reshape([-1, 6]).shape == [4, 6])
        #expect(try x.unsqueeze(0).shape == [1, 2, 3, 4])
        #expect(try x.unsqueeze(-1).shape == [2, 3, 4, 1])
        #expect(try x.unsqueeze(0).squeeze(dim: 0).shape == [2, 3, 4])
        #expect(Tensor.zeros([1, 3, 1]).squeeze().shape == [3])
        #expect(Tensor([1.0, 2.0]).reshape([2, 1]).expand([2, 3]).scalars == [1, 1, 1, 2, 2, 2])
        #expect(throws: TensorError.self) { try x.transpose(0, 1).view([24]) }
    }

    @Test func factories() throws {
        #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.ones([3]).scalars == [1, 1, 1])
        #expect(Tensor.full([2], 7).scalars == [7, 7])
        #expect(Tensor.arange(0, 6).scalars == [0, 1, 2, 3, 4, 5])
        #expect(Tensor.arange(1, 2, 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.arange(5, dtype: .int64).int64Scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.linspace(0, 1, steps: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.eye(2, 3).scalars == [1, 0, 0, 0, 1, 0])
        #expect(Tensor.zerosLike(Tensor([1, 2])).dtype == .int64)
        #expect(Tensor([[1, 2], [3, 4]]).dtype == .int64)
        #expect(Tensor([[1.5, 2], [3, 4]]).dtype == .float32)
        #expect(Tensor([[1, 2], [3, 4]]).shape == [2, 2])
    }

    @Test func seededRandomnessIsReproducible() throws {
        let a = Tensor.randn([100], generator: Generator(seed: 7))
        let b = Tensor.randn([100], generator: Generator(seed: 7))
        #expect(a.scalars == b.scalars)
        manualSeed(3)
        let c = Tensor.rand([50])
        manualSeed(3)
        #expect(Tensor.rand([50]).scalars == c.scalars)
        #expect(c.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        let ints = Tensor.randint(2, 5, [1000], generator: Generator(seed: 1)).int64Scalars
        #expect(Set(ints) == [2, 3, 4])
        let normals = Tensor.randn([20_000], generator: Generator(seed: 2))
        #expect(Swift.abs(normals.mean().item()) < 0.03)
        #expect(Swift.abs((normals * normals).mean().item() - 1) < 0.05)
        #expect(Set(Tensor.randperm(10, generator: Generator(seed: 4)).int64Scalars) == Set(0..<10))
    }

    @Test func comparisonsArgmaxAndWhere() throws {
        let x = Tensor([[1.0, 5.0, 3.0], [7.0, 2.0, 7.0]])
        #expect(try x.argmax(dim: 1).int64Scalars == [1, 0])
        #expect(x.argmax().intItem() == 3)
        let labels = Tensor([1, 2])
        let hits = try x.argmax(dim: 1).eq(labels)
        #expect(hits.dtype == .bool)
        #expect(hits.int64Scalars == [1, 0])
        #expect(hits.sum().intItem() == 1)
        #expect(x.gt(2.5).int64Scalars == [0, 1, 1, 1, 0, 1])
        #expect(Tensor.where(x.gt(2.5), x, Tensor(0)).scalars == [0, 5, 3, 7, 0, 7])
    }
}
