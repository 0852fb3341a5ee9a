"""The shared plugin registry: duplicates fail loudly, loading is complete before use."""

from __future__ import annotations

import sys
import threading
import types

import pytest

from hotwash.registry import Registry


def test_a_name_registered_twice_fails_with_the_kinds_error() -> None:
    registry: Registry[object] = Registry((), None, lambda name, _old: KeyError(name))
    first = object()
    registry.add("x", first)
    registry.add("x", first)  # the same item again is harmless (re-import)
    with pytest.raises(KeyError, match="x"):
        registry.add("x", object())


def test_threads_see_the_full_registry_while_builtins_load(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: Registry[int] = Registry(("fake_builtin_plugins",), None, lambda n, _o: ValueError(n))
    started = threading.Event()

    class SlowModule(types.ModuleType):
        pass

    def fake_import(name: str) -> types.ModuleType:
        started.set()
        for index in range(50):
            registry.add(f"p{index}", index)
            threading.Event().wait(0.001)
        module = SlowModule(name)
        sys.modules[name] = module
        return module

    monkeypatch.setattr("hotwash.registry.import_module", fake_import)
    seen: list[int] = []
    loader = threading.Thread(target=registry.load)
    loader.start()
    started.wait()
    seen.append(len(registry.all()))  # blocks until loading is finished
    loader.join()
    assert seen == [50]
