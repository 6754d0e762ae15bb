"""Watching `torch.nn.init` while a probe is active, and re-initialising parameters on command.

While installed, every public in-place function of `torch.nn.init` (and `reset_parameters` of
the classes of the model's modules) is wrapped: when it touches one of the model's parameters, the parameter's
histogram before and after is recorded with the method, its arguments and its theoretical spread
(docs/TELEMETRY.md, InitRecord). `uninstall()` puts the original functions back.
"""
import ast
import functools
import inspect
import math
import threading

import torch
import torch.nn.init as nn_init

from .histogram import EMPTY, histogram_json

# The in-place initialisers TensorTop knows, in the order a menu offers them (after "default").
FUNCTIONS = ("uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
             "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_")
DEFAULT = "default"  # the module's own reset_parameters (what nn.Linear does when it is made)
STARTING = "before the probe"  # values set before the probe was made: the "after" of an unseen init
# Values for arguments without a default, as TensorTop's own menu offers them.
REQUIRED_DEFAULTS = {"val": 0.0, "sparsity": 0.1}
HIDDEN_ARGUMENTS = ("tensor", "generator")


class InitError(Exception):
    """A re-initialisation that cannot be done (unknown method, parameter or argument, wrong shape)."""


def _originals():
    """nn.init's in-place functions as imported, before any wrapping."""
    return {name: getattr(nn_init, name) for name in FUNCTIONS if callable(getattr(nn_init, name, None))}


def _signature_arguments(function):
    """(name, default) of a function's keyword arguments a user may set (tensor and generator left out)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return []
    out = []
    for parameter in parameters[1:]:
        if parameter.name in HIDDEN_ARGUMENTS or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        default = parameter.default if parameter.default is not parameter.empty else REQUIRED_DEFAULTS.get(parameter.name)
        out.append((parameter.name, default))
    return out


def choices():
    """The InitChoice list a dashboard may offer: "default", then each nn.init method with its defaults."""
    global _CHOICES
    if _CHOICES is None:
        _CHOICES = _make_choices()
    return _CHOICES


def _make_choices():
    """The InitChoice list, made once from nn.init's signatures."""
    originals = _ORIGINALS
    out = [{"name": DEFAULT, "arguments": []}]
    for name in FUNCTIONS:
        if name in originals:
            out.append({"name": name, "arguments": [{"name": key, "value": repr(value)}
                                                    for key, value in _signature_arguments(originals[name])]})
    return out


def _bound_arguments(function, tensor, args, kwargs):
    """The call's keyword arguments with defaults filled in (tensor and generator left out)."""
    try:
        bound = inspect.signature(function).bind(tensor, *args, **kwargs)
    except TypeError:
        return {}
    bound.apply_defaults()
    names = list(bound.arguments)
    return {name: bound.arguments[name] for name in names[1:] if name not in HIDDEN_ARGUMENTS}


def _number(value, fallback=0.0):
    """`value` as a finite float, or `fallback`."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return fallback
    return value if math.isfinite(value) else fallback


def spread(name, arguments, tensor):
    """The SpreadMark JSON of method `name` with `arguments` on `tensor` (`{"none":{}}` when unknown)."""
    try:
        get = arguments.get
        if name == "uniform_":
            return {"uniform": {"low": _number(get("a", 0.0)), "high": _number(get("b", 1.0))}}
        if name in ("normal_", "trunc_normal_"):
            return {"normal": {"mean": _number(get("mean", 0.0)), "std": _number(get("std", 1.0))}}
        if name == "constant_":
            return {"constant": {"value": _number(get("val", 0.0))}}
        if name in ("ones_", "zeros_"):
            return {"constant": {"value": 1.0 if name == "ones_" else 0.0}}
        if name in ("xavier_uniform_", "xavier_normal_"):
            fan_in, fan_out = nn_init._calculate_fan_in_and_fan_out(tensor)
            std = _number(get("gain", 1.0)) * math.sqrt(2.0 / float(fan_in + fan_out))
            return _uniform_or_normal(name, std)
        if name in ("kaiming_uniform_", "kaiming_normal_"):
            fan = nn_init._calculate_correct_fan(tensor, get("mode", "fan_in"))
            std = nn_init.calculate_gain(get("nonlinearity", "leaky_relu"), get("a", 0)) / math.sqrt(fan)
            return _uniform_or_normal(name, std)
        if name == "orthogonal_":
            rows = tensor.shape[0] if tensor.dim() else 1
            columns = tensor.numel() // max(rows, 1)
            return {"normal": {"mean": 0.0, "std": _number(get("gain", 1.0)) / math.sqrt(max(rows, columns, 1))}}
        if name == "sparse_":
            return {"normal": {"mean": 0.0, "std": _number(get("std", 0.01))}}
    except Exception:  # a spread is decoration: never let it break an initialisation
        pass
    return {"none": {}}


def _uniform_or_normal(name, std):
    """The spread of an xavier/kaiming method with this std: U(±√3·std) or N(0, std)."""
    if name.endswith("uniform_"):
        bound = math.sqrt(3.0) * std
        return {"uniform": {"low": -bound, "high": bound}}
    return {"normal": {"mean": 0.0, "std": std}}


def _default_spread(module, tensor):
    """nn.Linear's and nn.ConvNd's own init: U(±1/√fan_in) for weight and bias; else no mark."""
    weight = getattr(module, "weight", None)
    if isinstance(module, (torch.nn.Linear, torch.nn.modules.conv._ConvNd)) and weight is not None and weight.dim() >= 2:
        fan_in, _ = nn_init._calculate_fan_in_and_fan_out(weight)
        if fan_in > 0:
            bound = 1.0 / math.sqrt(fan_in)
            return {"uniform": {"low": -bound, "high": bound}}
    return {"none": {}}


_ORIGINALS = _originals()
_CHOICES = None


class InitWatch:
    """Wraps nn.init and the model's reset_parameters; calls `record(name, InitRecord)` for each touch.

    `parameters` maps a dotted name to a parameter; `step` is a callable giving the current step.
    """

    def __init__(self, named_parameters, named_modules, step, record):
        self._named_parameters = named_parameters
        self._named_modules = named_modules
        self._step = step
        self._record = record
        self._local = threading.local()
        self._by_pointer = {}
        self._installed = {}
        self._wrapped_classes = {}
        self._module_names = {}
        self.only = None  # when set: the ids of the parameters a command lets records be made for

    # --- installing ---------------------------------------------------------------------------

    def install(self):
        """Wraps nn.init's functions and every model module's reset_parameters."""
        self._index()
        for name in FUNCTIONS:
            current = getattr(nn_init, name, None)
            if callable(current):
                self._installed[name] = current
                setattr(nn_init, name, self._wrap_function(name, current))
        # reset_parameters is wrapped on the classes that define it (an instance attribute would
        # stop `torch.save(model)` from pickling the model); the wrapper watches this model's modules only.
        self._module_names = {}
        for module_name, module in self._named_modules():
            if any(True for _ in module.parameters(recurse=False)):
                self._module_names[id(module)] = module_name
                owner = next((cls for cls in type(module).__mro__ if "reset_parameters" in cls.__dict__), None)
                if owner is not None and owner is not torch.nn.Module and owner not in self._wrapped_classes:
                    original = owner.__dict__["reset_parameters"]
                    self._wrapped_classes[owner] = original
                    setattr(owner, "reset_parameters", self._wrap_reset(original))

    def record_starting_values(self):
        """Records every parameter's values now as the result of an initialisation the probe did not see.

        A model is usually made (and initialised) before the Probe: its "after" histograms are
        these values, "before" is empty, and no spread is marked (the method is unknown).
        """
        for name, parameter in self._named_parameters():
            with torch.no_grad():
                after = histogram_json(parameter)
            self._record(name, {"method": {"name": STARTING, "arguments": []}, "step": int(self._step()),
                                "spread": {"none": {}}, "before": dict(EMPTY), "after": after})

    def uninstall(self):
        """Puts back the original functions and methods."""
        for name, original in self._installed.items():
            setattr(nn_init, name, original)
        self._installed.clear()
        for owner, original in self._wrapped_classes.items():
            setattr(owner, "reset_parameters", original)
        self._wrapped_classes.clear()

    def original(self, name):
        """The unwrapped nn.init function `name` (KeyError when nn.init has none)."""
        return _ORIGINALS[name]

    # --- finding parameters -------------------------------------------------------------------

    def _index(self):
        """Rebuilds the map from a parameter's storage (pointer and shape) to its name."""
        self._by_pointer = {}
        for name, parameter in self._named_parameters():
            self._by_pointer[(parameter.data_ptr(), tuple(parameter.shape))] = (name, parameter)

    def _lookup(self, tensor):
        """(name, parameter) when `tensor` is one of the model's parameters (or its .data), else None."""
        if not isinstance(tensor, torch.Tensor) or tensor.numel() == 0:
            return None
        key = (tensor.data_ptr(), tuple(tensor.shape))
        found = self._by_pointer.get(key)
        if found is None:
            self._index()  # the model may have moved (.to(device)) since
            found = self._by_pointer.get(key)
        if found is not None and self.only is not None and id(found[1]) not in self.only:
            return None
        return found

    # --- the wrappers -------------------------------------------------------------------------

    def _busy(self):
        """Whether this thread is inside a wrapped call already (nested calls are not recorded twice)."""
        return getattr(self._local, "depth", 0) > 0

    def _wrap_function(self, name, original):
        """nn.init function `name` wrapped to record the model's parameters it touches."""
        watch = self

        @functools.wraps(original)
        def wrapped(tensor, *args, **kwargs):
            found = None if watch._busy() else watch._lookup(tensor)
            if found is None:
                return original(tensor, *args, **kwargs)
            before = histogram_json(tensor)
            watch._local.depth = getattr(watch._local, "depth", 0) + 1
            try:
                result = original(tensor, *args, **kwargs)
            finally:
                watch._local.depth -= 1
            arguments = _bound_arguments(original, tensor, args, kwargs)
            method = {"name": name, "arguments": [{"name": key, "value": repr(value)} for key, value in arguments.items()]}
            watch._note(found[0], method, spread(name, arguments, tensor), before, tensor)
            return result

        wrapped.__tensortop_wrapped__ = original
        return wrapped

    def _wrap_reset(self, original):
        """A class's reset_parameters wrapped to record this model's parameters it changes."""
        watch = self

        @functools.wraps(original)
        def reset_parameters(module, *args, **kwargs):
            module_name = watch._module_names.get(id(module))
            if module_name is None or watch._busy():
                return original(module, *args, **kwargs)
            prefix = module_name + "." if module_name else ""
            tracked = []
            for local, parameter in module.named_parameters(recurse=False):
                if watch.only is None or id(parameter) in watch.only:
                    tracked.append((prefix + local, parameter, histogram_json(parameter)))
            outer = getattr(watch._local, "touched", None)
            watch._local.touched = set()
            try:
                result = original(module, *args, **kwargs)
                touched = watch._local.touched
            finally:
                watch._local.touched = outer
            for name, parameter, before in tracked:
                if name not in touched:  # changed without a wrapped nn.init call: the module's own way
                    watch._note(name, {"name": DEFAULT, "arguments": []}, _default_spread(module, parameter), before, parameter)
            return result

        return reset_parameters

    def _note(self, name, method, mark, before, tensor):
        """Records one (re)initialisation of parameter `name` with the histogram after it."""
        touched = getattr(self._local, "touched", None)
        if touched is not None:
            touched.add(name)
        self._record(name, {"method": method, "step": int(self._step()), "spread": mark,
                            "before": before, "after": histogram_json(tensor)})


def parse_arguments(name, arguments):
    """The keyword arguments of a command's method (values written as Python literals); InitError when bad."""
    if name != DEFAULT and name not in _ORIGINALS:
        known = ", ".join((DEFAULT,) + tuple(n for n in FUNCTIONS if n in _ORIGINALS))
        raise InitError(f"unknown init method {name!r} (known: {known})")
    allowed = {key for key, _ in _signature_arguments(_ORIGINALS[name])} if name != DEFAULT else set()
    out = {}
    for argument in arguments or []:
        if not isinstance(argument, dict) or not isinstance(argument.get("name"), str):
            raise InitError("an init argument needs a name and a value")
        key, text = argument["name"], argument.get("value", "")
        if key not in allowed:
            raise InitError(f"{name} has no argument {key!r}" + (f" (it takes {', '.join(sorted(allowed))})" if allowed else ""))
        try:
            out[key] = ast.literal_eval(text) if isinstance(text, str) else text
        except (ValueError, SyntaxError):
            out[key] = text  # a bare word such as fan_in
    for key, value in _signature_arguments(_ORIGINALS[name]) if name != DEFAULT else []:
        if key not in out and value is not None and key in REQUIRED_DEFAULTS:
            out[key] = value
    return out


def reinitialize(watch, model, parameter, name, arguments):
    """Re-initialises the parameter named `parameter` (every one when None) with method `name`.

    Returns the names that were re-initialised; raises InitError when none could be.
    """
    named = dict(model.named_parameters())
    if parameter is not None and parameter not in named:
        raise InitError(f"the model has no parameter {parameter!r}")
    targets = [parameter] if parameter is not None else list(named)
    done, problems = [], []
    try:
        for target in targets:
            # Only this parameter's change is recorded: a module's reset_parameters also redraws
            # its other tensors, which `_reset_one` then puts back (so those draws are not kept).
            watch.only = {id(named[target])}
            try:
                if name == DEFAULT:
                    _reset_one(model, target, named[target])
                else:
                    with torch.no_grad():
                        getattr(nn_init, name)(named[target], **arguments)
                done.append(target)
            except InitError as error:
                problems.append(str(error))
            except (ValueError, RuntimeError, TypeError) as error:
                problems.append(f"{target}: {error}")
    finally:
        watch.only = None
    if not done:
        raise InitError("; ".join(problems) or "nothing to re-initialise")
    return done, problems


def _reset_one(model, target, parameter):
    """Runs the owning module's reset_parameters for one parameter, keeping the module's other tensors."""
    module_name, _, local = target.rpartition(".")
    module = model.get_submodule(module_name) if module_name else model
    reset = getattr(module, "reset_parameters", None)
    if not callable(reset):
        raise InitError(f"{target}: {type(module).__name__} has no reset_parameters (its own init)")
    keep = [(tensor, tensor.detach().clone()) for key, tensor in
            list(module.named_parameters(recurse=False)) + list(module.named_buffers(recurse=False))
            if tensor is not parameter and tensor is not None]
    with torch.no_grad():
        reset()
        for tensor, saved in keep:
            tensor.copy_(saved)
