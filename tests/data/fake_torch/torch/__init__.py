# SPDX-License-Identifier: Apache-2.0
# A stand-in for torch with just what evaluator/torch_runner.py uses, so that the runner's
# protocol is exercised by the real interpreter on a machine without torch or a GPU, and the
# registration an exported package makes (torch.library.custom_op). Tensors are bytes on the
# host; "CUDA" events read time.perf_counter. FAKE_TORCH_CUDA=0: no CUDA.
import os
import time
import types

__version__ = "0.0+fake"


class dtype:
    def __init__(self, name, size):
        self.name, self.size = name, size

    def __repr__(self):
        return "torch." + self.name


float32, float16, bfloat16, float64 = (dtype("float32", 4), dtype("float16", 2),
                                       dtype("bfloat16", 2), dtype("float64", 8))
int32, int64, int8, uint8 = dtype("int32", 4), dtype("int64", 8), dtype("int8", 1), dtype("uint8", 1)


def _count(shape):
    n = 1
    for extent in shape:
        n *= extent
    return n


class Tensor:
    """Row-major bytes (`data`, shared by views) with a dtype and a shape."""

    def __init__(self, data, dtype, shape, is_cuda=False):
        self.data, self.dtype, self.shape, self.is_cuda = data, dtype, list(shape), is_cuda

    def numel(self):
        return _count(self.shape)

    def reshape(self, *shape):
        shape = list(shape[0]) if len(shape) == 1 and isinstance(shape[0], (list, tuple)) else list(shape)
        if -1 in shape:
            shape[shape.index(-1)] = self.numel() // max(1, -_count(shape))
        assert _count(shape) == self.numel(), "reshape changes the element count"
        return Tensor(self.data, self.dtype, shape, self.is_cuda)

    def view(self, dtype):
        return Tensor(self.data, dtype, [len(self.data) // dtype.size], self.is_cuda)

    def cuda(self):
        return Tensor(bytearray(self.data), self.dtype, self.shape, True)

    def detach(self):
        return self

    def contiguous(self):
        return self

    def copy_(self, other):
        self.data[:] = other.data
        return self

    def zero_(self):
        self.data[:] = bytes(len(self.data))
        return self


def frombuffer(buffer, dtype):
    return Tensor(buffer, dtype, [len(buffer) // dtype.size])


def empty(shape, dtype=float32, device=None):
    shape = [shape] if isinstance(shape, int) else list(shape)
    return Tensor(bytearray(_count(shape) * dtype.size), dtype, shape, device == "cuda")


def set_grad_enabled(enabled):
    pass


def compile(fn):
    """The first call "compiles" for 50 ms, as a real first call is slow."""
    state = {"compiled": False}

    def compiled(*args):
        if not state["compiled"]:
            time.sleep(0.05)
            state["compiled"] = True
        return fn(*args)

    return compiled


class _Event:
    def __init__(self, enable_timing=False):
        self.at = None

    def record(self):
        self.at = time.perf_counter()

    def synchronize(self):
        pass

    def elapsed_time(self, end):
        return (end.at - self.at) * 1e3


cuda = types.SimpleNamespace(
    is_available=lambda: os.environ.get("FAKE_TORCH_CUDA", "1") == "1",
    device_count=lambda: 1,
    set_device=lambda device: None,
    get_device_name=lambda device=None: "Fake GPU",
    synchronize=lambda: None,
    empty_cache=lambda: None,
    Event=_Event,
)
backends = types.SimpleNamespace(
    cuda=types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=False)),
    cudnn=types.SimpleNamespace(allow_tf32=True),
)
nn = types.SimpleNamespace(functional=types.ModuleType("torch.nn.functional"))


class _CustomOp:
    """What torch.library.custom_op returns: the function, callable, with register_fake."""

    def __init__(self, name, fn):
        self.name, self.fn, self.fake = name, fn, None

    def __call__(self, *args):
        return self.fn(*args)

    def register_fake(self, fn):
        self.fake = fn
        return fn


def _custom_op(name, mutates_args=()):
    def register(fn):
        op = _CustomOp(name, fn)
        library.ops[name] = op
        return op
    return register


# torch.library for the exported packages of `kopt export --format torch`: registration only.
library = types.SimpleNamespace(custom_op=_custom_op, ops={})
