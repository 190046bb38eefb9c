"""Runs one of scikit-learn's own test files against a linfa estimator.

``install(namespace, module, replacements, expected_failures)`` loads a private copy of the
scikit-learn test module (so scikit-learn's own copy is never touched), replaces estimator
classes in that copy's global namespace (``{"Ridge": linfa.Ridge}``: its tests then build
linfa's class wherever they wrote scikit-learn's), and puts into `namespace` (the calling
test module's globals) the fixtures of the module and those of its tests that exercise a
replaced class, directly or through a helper function of the module (the others test
scikit-learn only, so they are left out). pytest then collects them in the calling module,
named ``test_sklearn__<original name>``. A test parametrized over helper functions of the
module (``test_dense_sparse(test_func)``) runs only with the helpers that use a replaced class.

`expected_failures` is the one list of what cannot pass, as ``{pattern: reason}``: a test
whose name, with its parameters (``test_ridge_regression[long-True-svd]``), matches the
regular expression `pattern` (``re.search``) is marked ``xfail(strict=True)`` with the reason,
so a test that starts to pass is reported too. The calling module must
``pytest.importorskip("sklearn")`` before calling this.
"""

import importlib.util
import inspect
import re
import types

import pytest

PREFIX = "test_sklearn__"


@pytest.fixture
def global_random_seed():
    """scikit-learn's fixture (sklearn/tests/random_seed.py), with its default seed: 42."""
    return 42


def _is_fixture(value):
    # pytest 7 marks a fixture function with this attribute; pytest 8 wraps it in this type
    return (
        getattr(value, "_pytestfixturefunction", None) is not None
        or type(value).__name__ == "FixtureFunctionDefinition"
    )


def _load_private_copy(module_name):
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        pytest.skip(f"{module_name} is not installed", allow_module_level=True)
    private_name = "linfa_suite_" + module_name.replace(".", "_")
    private = importlib.util.spec_from_file_location(private_name, spec.origin)
    module = importlib.util.module_from_spec(private)
    private.loader.exec_module(module)
    return module


def _uses(function, names, module, seen):
    """Whether `function`'s code refers to one of `names`, directly or through functions of
    `module` it calls (or nested code objects such as lambdas and comprehensions)."""
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    codes = [code]
    while codes:
        current = codes.pop()
        for name in current.co_names:
            if name in names:
                return True
            helper = module.__dict__.get(name)
            if isinstance(helper, types.FunctionType) and helper.__module__ == module.__name__:
                if _uses(helper, names, module, seen):
                    return True
        codes.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return False


def _parametrized_helpers(function, module):
    """Functions of `module` passed to `function` through pytest.mark.parametrize."""
    helpers = []
    for mark in getattr(function, "pytestmark", []):
        if mark.name != "parametrize" or not isinstance(mark.args[1], (list, tuple)):
            continue  # (a generator of values is not read: pytest must be the one to consume it)
        for value in mark.args[1]:
            values = value.values if hasattr(value, "values") else value
            for v in values if isinstance(values, (tuple, list)) else [values]:
                if isinstance(v, types.FunctionType) and v.__module__ == module.__name__:
                    helpers.append(v)
    return helpers


def install(namespace, module_name, replacements, expected_failures):
    """Installs the tests of `module_name` that exercise the `replacements` into `namespace`
    (see the module docstring); returns the names of the tests installed."""
    module = _load_private_copy(module_name)
    module.__dict__.update(replacements)
    names = set(replacements)
    installed = []
    unused = set()
    for name, value in list(module.__dict__.items()):
        if _is_fixture(value):
            namespace[name] = value  # the module's fixtures, under their own names
            continue
        if not (name.startswith("test") and callable(value)):
            continue
        helpers = _parametrized_helpers(value, module)
        direct = _uses(value, names, module, set())
        using = [h for h in helpers if _uses(h, names, module, set())]
        if not direct and not using:
            continue
        if not direct:  # only some of its parametrized helpers use the class: run those only
            unused.update(h for h in helpers if h not in using)
        namespace[PREFIX + name] = value
        installed.append(name)
    namespace.setdefault("global_random_seed", global_random_seed)
    namespace["_SKLEARN_EXPECTED_FAILURES"] = [
        (re.compile(pattern), reason) for pattern, reason in expected_failures.items()
    ]
    namespace["_SKLEARN_UNUSED_HELPERS"] = unused
    return installed


def select_and_mark(config, items):
    """For conftest's pytest_collection_modifyitems: deselects the parametrizations of the
    installed tests that run a helper not using the replaced classes (scikit-learn only), and
    marks the tests that match their module's expected-failure patterns."""
    kept, deselected = [], []
    for item in items:
        patterns = getattr(item.module, "_SKLEARN_EXPECTED_FAILURES", None)
        if patterns is None or not item.name.startswith(PREFIX):
            kept.append(item)
            continue
        unused = item.module._SKLEARN_UNUSED_HELPERS
        params = getattr(getattr(item, "callspec", None), "params", {})
        if any(isinstance(v, types.FunctionType) and v in unused for v in params.values()):
            deselected.append(item)
            continue
        kept.append(item)
        name = item.name[len(PREFIX):]
        for pattern, reason in patterns:
            if pattern.search(name):
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
                break
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
