import Testing
import NN

/// Written init methods (`normal:std=0.01`, or a name and keyword arguments from a menu).
@Suite struct InitMethodParsingTests {
    /// The one rendering of the arguments reads back as the same method.
    @Test func everyMethodReadsBackFromItsOwnArguments() throws {
        for method in InitMethod.allWithDefaults {
            #expect(try InitMethod(name: method.name, arguments: method.argumentList) == method)
            let spelled = method.argumentList.isEmpty ? method.name : method.name + ":" + method.argumentList.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
            #expect(try InitMethod(spelling: spelled) == method)
        }
        #expect(InitMethod.kaimingNormal(a: 0, mode: .fanOut, nonlinearity: .relu).arguments == "a=0.0, mode='fan_out', nonlinearity='relu'")
    }

    @Test func namesMayBeWrittenSeveralWays() throws {
        for spelling in ["kaiming_uniform_", "kaiming_uniform", "kaiming-uniform", "Kaiming-Uniform:mode='fan_in'"] {
            #expect(try InitMethod(spelling: spelling) == .kaimingUniform(a: 0, mode: .fanIn, nonlinearity: .leakyRelu))
        }
        #expect(try InitMethod(spelling: "normal:std=0.01") == .normal(mean: 0, std: 0.01))
    }

    /// Each refusal names the method as written and the argument, and no command-line flag.
    @Test(arguments: [
        ("", "empty init method"),
        ("normal:std", "expected key=value, got 'std'"),
        ("magic", "unknown init method 'magic'; choose one of: default, uniform_, normal_"),
        ("normal:sigma=1", "normal has no argument 'sigma'"),
        ("normal:std=wide", "normal: std=wide is not a number"),
        ("dirac:groups=1e30", "dirac: groups must be a whole number of at least 1, got 1e30"),
        ("kaiming-normal:mode=sideways", "kaiming-normal: mode must be fan_in or fan_out, got 'sideways'"),
        ("kaiming-normal:nonlinearity=gelu", "kaiming-normal: Unsupported nonlinearity gelu; use one of: linear"),
        ("uniform:a=2,b=1", "uniform: a must not be above b (got a=2.0, b=1.0)"),
    ])
    func refusalsSayWhatIsWrong(spelling: String, message: String) {
        let error = #expect(throws: InitMethodError.self) { try InitMethod(spelling: spelling) }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
        #expect(error?.description.contains("--") == false)
    }

    @Test func vectorsAndRanks() {
        #expect(InitMethod.normal(mean: 0, std: 1).worksOnVectors)
        #expect(!InitMethod.xavierUniform(gain: 1).worksOnVectors)
        #expect(InitMethod.eye.rankProblem(weightRank: 2) == nil)
        #expect(InitMethod.dirac(groups: 1).rankProblem(weightRank: 2)?.hasPrefix("dirac_ fills 3-, 4- or 5-D") == true)
    }
}
