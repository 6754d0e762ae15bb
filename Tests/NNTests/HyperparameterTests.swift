import Testing
import Optim
import Tensors

/// Hyperparameters by name: what a trainer uses to tune any optimizer without knowing its type.
@Suite struct HyperparameterTests {
    static func weights() -> [Tensor] { [Tensor.zeros([2, 3]), Tensor.zeros([3])] }

    @Test func eachOptimizerListsWhatCanBeTuned() {
        #expect(SGD(Self.weights()).hyperparameterNames == ["lr", "momentum", "nesterov", "weight_decay"])
        #expect(Adam(Self.weights()).hyperparameterNames == ["lr", "beta1", "beta2", "eps", "weight_decay"])
        #expect(AdamW(Self.weights()).hyperparameterNames == ["lr", "beta1", "beta2", "eps", "weight_decay"])
        #expect(RMSprop(Self.weights()).hyperparameterNames == ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"])
    }

    @Test func settingByNameChangesTheProperty() throws {
        let optimizer: any Optimizer = Adam(Self.weights())
        try optimizer.setHyperparameter("beta2", to: 0.5)
        try optimizer.setHyperparameter("lr", to: 0.25)
        let adam = try #require(optimizer as? Adam)
        #expect(adam.betas.1 == 0.5 && adam.lr == 0.25)
        #expect(try optimizer.hyperparameter("beta2") == 0.5)
        let sgd = SGD(Self.weights())
        try sgd.setHyperparameter("momentum", to: 0.9)
        try sgd.setHyperparameter("nesterov", to: 1)
        #expect(sgd.nesterov && sgd.momentum == 0.9)
        #expect(try sgd.hyperparameter("nesterov") == 1)
    }

    @Test func refusalsNameTheHyperparameterAndWhatIsAllowed() {
        let sgd = SGD(Self.weights(), lr: 0.1)
        #expect(throws: HyperparameterError.unknown(name: "beta1", optimizer: "SGD", known: ["lr", "momentum", "nesterov", "weight_decay"])) {
            try sgd.setHyperparameter("beta1", to: 0.5)
        }
        let range = #expect(throws: HyperparameterError.self) { try sgd.setHyperparameter("momentum", to: 1) }
        #expect(range?.description == "momentum must be in [0, 1), got 1.0")
        for (name, value) in [("weight_decay", -1.0), ("lr", .nan), ("lr", 1e39), ("nesterov", 0.5)] {
            let error = #expect(throws: HyperparameterError.self) { try sgd.setHyperparameter(name, to: value) }
            #expect(error?.description.hasPrefix("\(name) must be") == true)
        }
        let conflict = #expect(throws: HyperparameterError.self) { try sgd.setHyperparameter("nesterov", to: 1) }
        #expect(conflict == .conflict(name: "nesterov", reason: "Nesterov momentum needs a momentum above 0 and no dampening"))
        #expect(sgd.lr == 0.1 && sgd.weightDecay == 0 && !sgd.nesterov)  // a refused value changes nothing
    }

    @Test func turningMomentumOffUnderNesterovIsRefused() throws {
        let sgd = SGD(Self.weights(), momentum: 0.9, nesterov: true)
        #expect(throws: HyperparameterError.conflict(name: "momentum", reason: "Nesterov momentum is on and needs a momentum above 0")) {
            try sgd.setHyperparameter("momentum", to: 0)
        }
        try sgd.setHyperparameter("nesterov", to: 0)
        try sgd.setHyperparameter("momentum", to: 0)
    }

    @Test func copyingGivesANewOptimizerWhatItAlsoHas() throws {
        let old = SGD(Self.weights(), lr: 0.05, momentum: 0.9, weightDecay: 1e-4)
        let same = SGD(Self.weights())
        #expect(old.copyHyperparameters(to: same) == ["lr", "momentum", "nesterov", "weight_decay"])
        #expect(same.lr == 0.05 && same.momentum == 0.9 && same.weightDecay == 1e-4)
        let adam = Adam(Self.weights())
        #expect(old.copyHyperparameters(to: adam) == ["lr", "weight_decay"])
        #expect(adam.lr == 0.05 && adam.weightDecay == 1e-4 && adam.betas == (0.9, 0.999))
        let nesterov = SGD(Self.weights(), lr: 0.2, momentum: 0.5, nesterov: true)
        #expect(nesterov.copyHyperparameters(to: same).contains("nesterov"))
        #expect(same.nesterov && same.momentum == 0.5)
    }
}
