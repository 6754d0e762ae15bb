import AutogradLab
import Testing
import Tensors

/// The stepper's typed programs: the notebook's autograd cells, every operator and function,
/// and clear errors (never a trap) for what cannot be evaluated.
struct ProgramTests {
    @Test func theNotebooksScalarCellGivesPyTorchsGradient() throws {
        let evaluation = try Program.parse("x = ones(2); y = 2 * x[0] ** 3 + 2 * x[1] ** 2").evaluate()
        #expect(evaluation.outputName == "y" && evaluation.output.item() == 4)
        try evaluation.output.backward()
        #expect(evaluation.values["x"]?.grad?.scalars == [6, 4])
    }

    @Test func theNotebooksVectorCellAccumulatesWithRetainGraph() throws {
        let evaluation = try Program.parse("x = arange(0, 6)\ny = 2*x^2").evaluate()
        let x = try #require(evaluation.values["x"])
        try evaluation.output.backward(Tensor.onesLike(x), retainGraph: true)
        #expect(x.grad?.scalars == [0, 4, 8, 12, 16, 20])
        try evaluation.output.backward(x.detach(), retainGraph: true)
        #expect(x.grad?.scalars == [0, 8, 24, 48, 80, 120])
    }

    @Test func everyOperatorAndFunctionEvaluates() throws {
        let program = try Program.parse("""
            w = [[1, -2], [0.5, 3]]; x = [1, 2]; b = 0.5
            h = relu(w @ x + b) - sigmoid(x) * tanh(x) / exp(b) + log(x + 1) + pow(x, 2) + matmul(x, x)
            loss = mean(h) + sum(-h)
            """)
        let evaluation = try program.evaluate()
        #expect(evaluation.leaves.map(\.name) == ["w", "x", "b"])
        #expect(evaluation.output.gradFn?.name == "AddBackward0")
        try evaluation.output.backward()
        #expect(evaluation.values["w"]?.grad?.shape == [2, 2])
    }

    @Test func precedenceIsPythons() throws {
        #expect(try Program.parse("y = -2 ^ 2").statements[0].value == .expression(.negate(.power(.number(2), 2))))
        #expect(try Expression.parse("a + b * c") == .binary(.add, .name("a"), .binary(.multiply, .name("b"), .name("c"))))
        #expect(try Expression.parse("x**-1") == .power(.name("x"), -1))
        #expect(try Expression.parse("2e-3 * x[-1]") == .binary(.multiply, .number(2e-3), .index(.name("x"), -1)))
    }

    @Test(arguments: [
        ("y = x + 1", "no value named 'x'; define it first, e.g. x = ones(2)"),
        ("x = ones(2); y = x[2]", "index 2 is out of range for a tensor of shape [2]"),
        ("x = ones(2); z = ones(3); y = x + z", "shapes [2] and [3] do not broadcast for +"),
        ("x = ones(2); z = ones(3); y = x @ z", "shapes [2] and [3] cannot be multiplied (inner sizes 2 and 3)"),
        ("x = ones(2); y = cos(x)", "no function 'cos'"),
        ("x = ones(2); y = (x + 1", "expected ')' at the end"),
        ("x = ones(99999)", "a leaf has 0 to 4096 elements"),
        ("x = arange(0, 5, 0)", "arange's step must not be 0"),
        ("x = [[1, 2], [3]]", "a matrix is [[a, b], [c, d]] with rows of one length"),
        ("x = ones(2); y = x ^ x", "an exponent must be a number"),
        ("", "nothing to evaluate"),
    ])
    func whatCannotBeEvaluatedSaysWhy(text: String, message: String) {
        do {
            _ = try Program.parse(text).evaluate()
            Issue.record("\(text) evaluated")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func aDeeplyNestedExpressionIsRefusedNotOverflowed() {
        let text = "y = " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(throws: ExpressionError.self) { try Program.parse(text) }
        let negations = "y = " + String(repeating: "-", count: 10_000) + "1"
        #expect(throws: ExpressionError.self) { try Program.parse(negations) }
    }
}
