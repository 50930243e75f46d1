# SPDX-License-Identifier: Apache-2.0
# The runtime of a package written by `kopt export --format torch`, the same file in every
# package (as _kopt_runtime.py). It checks a call against what kopt validated the kernel on,
# loads the package's cubin with the CUDA driver through ctypes (no compiler, at import or at
# call), and launches on the current stream of the inputs' device. The checks see tensors only
# through TensorFacts, and torch is imported where a tensor is made, so they run (and are
# tested) without torch or a GPU.
import ctypes
import os
import threading

# Every dynamic shared memory size above this needs the kernel's attribute raised first.
DEFAULT_DYNAMIC_SMEM = 48 * 1024
# kopt checked the kernel only on buffers that start on this boundary (cuMemAlloc's guarantee).
BUFFER_ALIGNMENT = 256
INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1
MAX_GRID = (2 ** 31 - 1, 65535, 65535)
MAX_BLOCK = (1024, 1024, 64)
MAX_THREADS_PER_BLOCK = 1024

# kopt's dtype names (core/dtype.cpp) -> torch's attribute names.
TORCH_DTYPES = {
    "f32": "float32", "f16": "float16", "bf16": "bfloat16", "f64": "float64",
    "i32": "int32", "i64": "int64", "i8": "int8", "u8": "uint8",
}
DTYPE_BYTES = {"f32": 4, "f16": 2, "bf16": 2, "f64": 8, "i32": 4, "i64": 8, "i8": 1, "u8": 1}
# kopt's dtype names -> CUtensorMapDataType (i8 as UINT8: TMA copies bytes), as the worker has it.
TMA_DTYPES = {"u8": 0, "i8": 0, "i32": 3, "i64": 5, "f16": 6, "f32": 7, "f64": 8, "bf16": 9}


class ExportedKernelError(ValueError):
    """A call outside what the kernel was validated on, or a launch the driver refused."""


# --- kopt's integer expressions (core/expr.h): / and % truncate toward zero, as in C ---


def div(a, b):
    if b == 0:
        raise ExportedKernelError("division by zero in a size expression")
    if a >= 0 and b > 0:
        return a // b
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def mod(a, b):
    return a - div(a, b) * b


def cdiv(a, b):
    if b <= 0:
        raise ExportedKernelError("cdiv by a non-positive value in a size expression")
    return div(a + b - 1, b) if a >= 0 else div(a, b)


# --- what the package says about its kernel ---


class Dim:
    """One extent of a tensor: `symbol` when it is a bare symbol (the call binds it), and its
    value as a function of the symbol table."""

    def __init__(self, text, value, symbol=None):
        self.text, self.value, self.symbol = text, value, symbol


class TensorSpec:
    def __init__(self, name, dtype, shape):
        self.name, self.dtype, self.shape = name, dtype, shape

    def shape_text(self):
        return "[" + ", ".join(d.text for d in self.shape) + "]"


class Launch:
    """One kernel launch; grid, block and cluster are three functions of the symbol table each
    (cluster None: no cluster). An argument is ("tensor", name), ("workspace", name),
    ("i32", fn), ("i64", fn) or ("bits", bytes, value): a scalar's bits as kopt passes them."""

    def __init__(self, kernel, grid, block, cluster, smem, args):
        self.kernel, self.grid, self.block, self.cluster = kernel, grid, block, cluster
        self.smem, self.args = smem, args


class TensorMap:
    """A TMA tensor map of buffer `buffer` (an input, an output or a workspace buffer): its dtype,
    and its shape and box as functions of the symbol table, outermost first as in the launch
    block. swizzle, l2_promotion and oob_fill are the driver's enum values."""

    def __init__(self, name, buffer, dtype, shape, box, swizzle, l2_promotion, oob_fill):
        self.name, self.buffer, self.dtype, self.shape, self.box = name, buffer, dtype, shape, box
        self.swizzle, self.l2_promotion, self.oob_fill = swizzle, l2_promotion, oob_fill


class Variant:
    """One launch sequence of the kernel: it runs at the sizes where `when` (a function of the
    symbol table, None for the last variant) is the first to hold."""

    def __init__(self, when, workspace, tensor_maps, launches):
        self.when, self.workspace = when, workspace
        self.tensor_maps, self.launches = tensor_maps, launches


class TensorFacts:
    """What the checks need of a tensor, read off a torch.Tensor by facts_of()."""

    def __init__(self, name, dtype, shape, contiguous, data_ptr, device_type, device_index):
        self.name, self.dtype, self.shape = name, dtype, tuple(shape)
        self.contiguous, self.data_ptr = contiguous, data_ptr
        self.device_type, self.device_index = device_type, device_index


def facts_of(name, tensor):
    import torch
    if not isinstance(tensor, torch.Tensor):
        raise ExportedKernelError("%s must be a torch.Tensor, not %s" % (name, type(tensor).__name__))
    kopt_dtype = next((k for k, v in TORCH_DTYPES.items() if getattr(torch, v) == tensor.dtype),
                      str(tensor.dtype))
    return TensorFacts(name, kopt_dtype, tensor.shape, tensor.is_contiguous(), tensor.data_ptr(),
                       tensor.device.type, tensor.device.index)


def size_text(symbols):
    return " ".join("%s=%d" % (k, symbols[k]) for k in sorted(symbols))


class ExportedKernel:
    def __init__(self, op, directory, cubin, arch, compute_capability, inputs, outputs, unbound,
                 constants, ragged, validated_sizes, variants):
        self.op, self.directory, self.cubin, self.arch = op, directory, cubin, arch
        self.compute_capability = tuple(compute_capability)
        self.inputs, self.outputs = inputs, outputs
        self.unbound = unbound  # symbols no input extent names by itself
        self.constants = constants  # the tunables, fixed at the measured choice
        self.ragged = ragged  # symbol -> alignment: any multiple, up to the largest checked
        self.validated_sizes = validated_sizes
        self.largest = {}
        for size in validated_sizes:
            for k, v in size.items():
                self.largest[k] = max(self.largest.get(k, 0), v)
        self.variants = variants
        self._modules = {}  # device index -> (context, module, {kernel: function})
        self._lock = threading.Lock()

    def fail(self, message):
        raise ExportedKernelError("%s: %s" % (self.op, message))

    # --- the checks ---

    def check_inputs(self, facts, check_memory=True):
        """The symbol table of a call, from its inputs' shapes; raises ExportedKernelError naming
        the tensor, the symbol or the size that is outside what the kernel was validated on.
        check_memory False (fake tensors under torch.compile) skips layout and address."""
        if len(facts) != len(self.inputs):
            self.fail("takes %d tensors (%s), got %d" % (
                len(self.inputs), ", ".join(t.name for t in self.inputs), len(facts)))
        device = None
        symbols, bound_by = {}, {}
        for spec, t in zip(self.inputs, facts):
            if check_memory and t.device_type != "cuda":
                self.fail("%s must be a CUDA tensor; it is on %s" % (spec.name, t.device_type))
            if device is None:
                device = t.device_index
            elif check_memory and t.device_index != device:
                self.fail("%s is on cuda:%s but %s is on cuda:%s; all inputs must be on one GPU" % (
                    spec.name, t.device_index, self.inputs[0].name, device))
            if t.dtype != spec.dtype:
                self.fail("%s must be %s (torch.%s); it is %s" % (
                    spec.name, spec.dtype, TORCH_DTYPES[spec.dtype], t.dtype))
            if len(t.shape) != len(spec.shape):
                self.fail("%s must have %d dimensions %s; its shape is %s" % (
                    spec.name, len(spec.shape), spec.shape_text(), list(t.shape)))
            if check_memory and not t.contiguous:
                self.fail("%s must be contiguous (row-major); call .contiguous() on it" % spec.name)
            if check_memory and t.data_ptr % BUFFER_ALIGNMENT != 0:
                self.fail("%s must start on a %d-byte boundary, the only kind of buffer the kernel "
                          "was checked on; it starts at 0x%x (call .clone() on it)" % (
                              spec.name, BUFFER_ALIGNMENT, t.data_ptr))
            for axis, dim in enumerate(spec.shape):
                if dim.symbol is None:
                    continue
                where = "%s.shape[%d]" % (spec.name, axis)
                if dim.symbol in symbols and symbols[dim.symbol] != t.shape[axis]:
                    self.fail("%s is %s, but %s is %s from %s" % (
                        where, t.shape[axis], dim.symbol, symbols[dim.symbol],
                        bound_by[dim.symbol]))
                symbols.setdefault(dim.symbol, t.shape[axis])
                bound_by.setdefault(dim.symbol, where)
        # A symbol no input extent names by itself ("I" of [2*I, K]) is not a contract symbol:
        # it takes the value of a checked size whose extents the inputs match.
        choices = []
        for size in self.validated_sizes:
            choice = {k: size[k] for k in self.unbound}
            if choice not in choices:
                choices.append(choice)
        symbols = next((dict(symbols, **c) for c in choices
                        if self.extents_match(facts, dict(symbols, **c))),
                       dict(symbols, **choices[0]))
        if check_memory:
            self.check_size(symbols)
        env = dict(symbols, **self.constants)
        for spec, t in zip(self.inputs, facts):
            for axis, dim in enumerate(spec.shape):
                if dim.symbol is None and dim.value(env) != t.shape[axis]:
                    self.fail("%s.shape[%d] must be %s = %s at %s; it is %s" % (
                        spec.name, axis, dim.text, dim.value(env), size_text(symbols),
                        t.shape[axis]))
        return symbols, device

    def extents_match(self, facts, symbols):
        env = dict(symbols, **self.constants)
        return all(dim.value(env) == t.shape[axis] for spec, t in zip(self.inputs, facts)
                   for axis, dim in enumerate(spec.shape))

    def check_size(self, symbols):
        """Each ragged symbol: a multiple of its alignment, from it up to the largest value
        checked. The other symbols together: one of the sizes checked."""
        for name, value in sorted(symbols.items()):
            if value < 1:
                self.fail("%s = %d; every size must be at least 1" % (name, value))
        for name, alignment in sorted(self.ragged.items()):
            value = symbols[name]
            if value % alignment != 0:
                self.fail("%s = %d is not a multiple of %d, which the kernel may assume" % (
                    name, value, alignment))
            if value > self.largest[name]:
                self.fail("%s = %d is above %d, the largest value the kernel was checked at; "
                          "run kopt on a task with that size to validate it" % (
                              name, value, self.largest[name]))
        fixed = {k: v for k, v in symbols.items() if k not in self.ragged}
        if fixed and not any(all(size.get(k) == v for k, v in fixed.items())
                             for size in self.validated_sizes):
            checked = "; ".join(size_text({k: s[k] for k in fixed}) for s in self.validated_sizes)
            self.fail("the kernel was never checked at %s (checked: %s; only %s may vary)" % (
                size_text(fixed), checked, ", ".join(sorted(self.ragged)) or "no size"))

    def plan(self, symbols):
        """At `symbols`: the variant that runs (the first whose `when` holds), each of its
        launches' grid, block, cluster, dynamic shared memory and integer arguments, checked
        against the device limits kopt checks, its workspace sizes and its tensor maps."""
        env = dict(symbols, **self.constants)
        variant = next(i for i, v in enumerate(self.variants) if v.when is None or v.when(env))
        chosen = self.variants[variant]
        launches = []
        for i, launch in enumerate(chosen.launches):
            grid = [f(env) for f in launch.grid]
            block = [f(env) for f in launch.block]
            cluster = [f(env) for f in launch.cluster] if launch.cluster else None
            where = "launch[%d] (%s) at %s" % (i, launch.kernel, size_text(symbols))
            for d in range(3):
                if not 1 <= grid[d] <= MAX_GRID[d]:
                    self.fail("%s: grid dimension %d is %d, outside 1..%d" % (
                        where, d, grid[d], MAX_GRID[d]))
                if not 1 <= block[d] <= MAX_BLOCK[d]:
                    self.fail("%s: block dimension %d is %d, outside 1..%d" % (
                        where, d, block[d], MAX_BLOCK[d]))
            if block[0] * block[1] * block[2] > MAX_THREADS_PER_BLOCK:
                self.fail("%s: %d threads per block" % (where, block[0] * block[1] * block[2]))
            args = []
            for arg in launch.args:
                if arg[0] in ("i32", "i64"):
                    value = arg[1](env)
                    if arg[0] == "i32" and not INT32_MIN <= value <= INT32_MAX:
                        self.fail("%s: an int argument is %d, beyond 32 bits" % (where, value))
                    args.append((arg[0], value))
                else:
                    args.append(arg)
            launches.append({"kernel": launch.kernel, "grid": grid, "block": block,
                             "cluster": cluster, "smem": launch.smem(env), "args": args})
        workspace = [(name, max(1, fn(env))) for name, fn in chosen.workspace]
        maps = [tensor_map_params(m, env) for m in chosen.tensor_maps]
        # A workspace buffer's map must stay inside it at every size, as kopt checks it.
        for m in maps:
            size = dict(workspace).get(m["buffer"])
            covered = DTYPE_BYTES[m["dtype"]]
            for extent in m["dims"]:
                covered *= extent
            if size is not None and covered > size:
                self.fail("tensor map %s covers %d bytes at %s, more than the %d of workspace %s" % (
                    m["name"], covered, size_text(symbols), size, m["buffer"]))
        return {"variant": variant, "launches": launches, "workspace": workspace,
                "tensor_maps": maps}

    def output_shapes(self, symbols):
        env = dict(symbols, **self.constants)
        return [[d.value(env) for d in spec.shape] for spec in self.outputs]

    # --- torch ---

    def run(self, *tensors):
        import torch
        facts = [facts_of(spec.name, t) for spec, t in zip(self.inputs, tensors)]
        symbols, device_index = self.check_inputs(facts)
        plan = self.plan(symbols)
        workspace = plan["workspace"]
        device = torch.device("cuda", device_index)
        outputs = [torch.empty(shape, dtype=getattr(torch, TORCH_DTYPES[spec.dtype]), device=device)
                   for spec, shape in zip(self.outputs, self.output_shapes(symbols))]
        # Workspace from PyTorch's caching allocator, like every other buffer of the call.
        buffers = {spec.name: t.data_ptr() for spec, t in zip(self.inputs, tensors)}
        buffers.update({spec.name: t.data_ptr() for spec, t in zip(self.outputs, outputs)})
        scratch = [torch.empty(size, dtype=torch.uint8, device=device) for _, size in workspace]
        buffers.update({name: t.data_ptr() for (name, _), t in zip(workspace, scratch)})
        stream = torch.cuda.current_stream(device).cuda_stream
        self._launch(device_index, plan, buffers, stream)
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def fake(self, *tensors):
        """The outputs' shapes and dtypes only (torch.compile's fake tensors)."""
        import torch
        facts = [TensorFacts(spec.name, next((k for k, v in TORCH_DTYPES.items()
                                               if getattr(torch, v) == t.dtype), str(t.dtype)),
                             t.shape, True, 0, t.device.type, t.device.index)
                 for spec, t in zip(self.inputs, tensors)]
        symbols, _ = self.check_inputs(facts, check_memory=False)
        outputs = [tensors[0].new_empty(shape, dtype=getattr(torch, TORCH_DTYPES[spec.dtype]))
                   for spec, shape in zip(self.outputs, self.output_shapes(symbols))]
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    # --- the driver ---

    def _launch(self, device_index, plan, buffers, stream):
        cu = driver()
        context, functions = self._loaded(device_index)
        cu.check(cu.lib.cuCtxPushCurrent_v2(context), "cuCtxPushCurrent")
        try:
            # Each map describes this call's buffer, so it is encoded for this call.
            maps = {m["name"]: encode_tensor_map(cu, m, buffers[m["buffer"]], self.op)
                    for m in plan["tensor_maps"]}
            for i, launch in enumerate(plan["launches"]):
                function = functions[launch["kernel"]]
                if launch["smem"] > DEFAULT_DYNAMIC_SMEM:
                    cu.check(cu.lib.cuFuncSetAttribute(
                        function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                        ctypes.c_int(launch["smem"])),
                        "%s: launch[%d] (%s) allowing %d bytes of dynamic shared memory" % (
                            self.op, i, launch["kernel"], launch["smem"]))
                storage = [argument_value(arg, buffers, maps) for arg in launch["args"]]
                params = (ctypes.c_void_p * max(1, len(storage)))(
                    *[ctypes.c_void_p(v.aligned) if isinstance(v, EncodedTensorMap)
                      else ctypes.cast(ctypes.pointer(v), ctypes.c_void_p) for v in storage])
                result = launch_kernel(cu, function, launch, stream, params)
                cu.check(result, "%s: launch[%d] (%s, grid %s, block %s)" % (
                    self.op, i, launch["kernel"], launch["grid"], launch["block"]))
        finally:
            popped = ctypes.c_void_p()
            cu.lib.cuCtxPopCurrent_v2(ctypes.byref(popped))

    def _loaded(self, device_index):
        with self._lock:
            if device_index not in self._modules:
                self._modules[device_index] = self._load(device_index)
            context, _, functions = self._modules[device_index]
            return context, functions

    def _load(self, device_index):
        cu = driver()
        device = ctypes.c_int()
        cu.check(cu.lib.cuDeviceGet(ctypes.byref(device), device_index), "cuDeviceGet")
        major, minor = ctypes.c_int(), ctypes.c_int()
        cu.check(cu.lib.cuDeviceGetAttribute(ctypes.byref(major), 75, device), "compute capability")
        cu.check(cu.lib.cuDeviceGetAttribute(ctypes.byref(minor), 76, device), "compute capability")
        if (major.value, minor.value) != self.compute_capability:
            self.fail("this package holds a cubin for %s (compute capability %d.%d); GPU %d is "
                      "compute capability %d.%d: export the kernel again from a run on that GPU" % (
                          self.arch, self.compute_capability[0], self.compute_capability[1],
                          device_index, major.value, minor.value))
        context = ctypes.c_void_p()
        cu.check(cu.lib.cuDevicePrimaryCtxRetain(ctypes.byref(context), device),
                 "cuDevicePrimaryCtxRetain")
        with open(os.path.join(self.directory, self.cubin), "rb") as f:
            image = f.read()
        cu.check(cu.lib.cuCtxPushCurrent_v2(context), "cuCtxPushCurrent")
        try:
            module = ctypes.c_void_p()
            cu.check(cu.lib.cuModuleLoadData(ctypes.byref(module), image),
                     "%s: loading %s" % (self.op, self.cubin))
            functions = {}
            for launch in [l for v in self.variants for l in v.launches]:
                if launch.kernel in functions:
                    continue
                function = ctypes.c_void_p()
                cu.check(cu.lib.cuModuleGetFunction(ctypes.byref(function), module,
                                                    launch.kernel.encode()),
                         "%s: kernel %s in %s" % (self.op, launch.kernel, self.cubin))
                functions[launch.kernel] = function
        finally:
            popped = ctypes.c_void_p()
            cu.lib.cuCtxPopCurrent_v2(ctypes.byref(popped))
        return context, module, functions


CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8
CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION = 4


class LaunchAttribute(ctypes.Structure):
    # CUlaunchAttribute: the id, padding to 8 bytes, then a 64-byte union (clusterDim first).
    _fields_ = [("id", ctypes.c_int), ("pad", ctypes.c_char * 4),
                ("x", ctypes.c_uint), ("y", ctypes.c_uint), ("z", ctypes.c_uint),
                ("rest", ctypes.c_char * 52)]


class LaunchConfig(ctypes.Structure):
    _fields_ = [("gridDimX", ctypes.c_uint), ("gridDimY", ctypes.c_uint),
                ("gridDimZ", ctypes.c_uint), ("blockDimX", ctypes.c_uint),
                ("blockDimY", ctypes.c_uint), ("blockDimZ", ctypes.c_uint),
                ("sharedMemBytes", ctypes.c_uint), ("hStream", ctypes.c_void_p),
                ("attrs", ctypes.POINTER(LaunchAttribute)), ("numAttrs", ctypes.c_uint)]


def tensor_map_params(m, env):
    """cuTensorMapEncodeTiled's arguments but the address, innermost dimension first, for a
    dense row-major buffer (what core/tensor_map.h's DenseTensorMapParams derives)."""
    dims = [f(env) for f in m.shape][::-1]
    box = [f(env) for f in m.box][::-1]
    strides, stride = [], DTYPE_BYTES[m.dtype]
    for extent in dims[:-1]:
        stride *= extent
        strides.append(stride)
    return {"name": m.name, "buffer": m.buffer, "dtype": m.dtype, "dims": dims,
            "strides": strides, "box": box, "swizzle": m.swizzle,
            "l2_promotion": m.l2_promotion, "oob_fill": m.oob_fill}


class EncodedTensorMap:
    """A CUtensorMap in 256 bytes of ctypes memory: the 128 bytes at `aligned` (128-byte aligned,
    as the driver wants) are the map a kernel parameter passes by value."""

    def __init__(self):
        self.memory = ctypes.create_string_buffer(256)
        self.aligned = (ctypes.addressof(self.memory) + 127) & ~127


def encode_tensor_map(cu, m, address, op):
    rank = len(m["dims"])
    encoded = EncodedTensorMap()
    result = cu.lib.cuTensorMapEncodeTiled(
        ctypes.c_void_p(encoded.aligned), TMA_DTYPES[m["dtype"]], rank, ctypes.c_void_p(address),
        (ctypes.c_uint64 * rank)(*m["dims"]), (ctypes.c_uint64 * max(1, rank - 1))(*m["strides"]),
        (ctypes.c_uint32 * rank)(*m["box"]), (ctypes.c_uint32 * rank)(*([1] * rank)),
        0, m["swizzle"], m["l2_promotion"], m["oob_fill"])
    cu.check(result, "%s: encoding tensor map %s of %s (dims %s, box %s)" % (
        op, m["name"], m["buffer"], m["dims"], m["box"]))
    return encoded


def argument_value(arg, buffers, maps):
    kind = arg[0]
    if kind in ("tensor", "workspace"):
        return ctypes.c_uint64(buffers[arg[1]])
    if kind == "tensor_map":
        return maps[arg[1]]
    if kind == "i32":
        return ctypes.c_int32(arg[1])
    if kind == "i64":
        return ctypes.c_int64(arg[1])
    width, bits = arg[1], arg[2]
    return {1: ctypes.c_uint8, 2: ctypes.c_uint16, 4: ctypes.c_uint32, 8: ctypes.c_uint64}[width](bits)


def launch_kernel(cu, function, launch, stream, params):
    grid, block = launch["grid"], launch["block"]
    if launch["cluster"] is None:
        return cu.lib.cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0], block[1],
                                     block[2], launch["smem"], ctypes.c_void_p(stream), params, None)
    attribute = LaunchAttribute(id=CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION, x=launch["cluster"][0],
                                y=launch["cluster"][1], z=launch["cluster"][2])
    config = LaunchConfig(grid[0], grid[1], grid[2], block[0], block[1], block[2], launch["smem"],
                          ctypes.c_void_p(stream), ctypes.pointer(attribute), 1)
    return cu.lib.cuLaunchKernelEx(ctypes.byref(config), function, params, None)


class Driver:
    def __init__(self):
        self.lib = ctypes.CDLL("libcuda.so.1")
        self.lib.cuGetErrorName.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
        self.lib.cuModuleLoadData.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p]
        self.lib.cuModuleGetFunction.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
                                                 ctypes.c_char_p]
        self.lib.cuCtxPushCurrent_v2.argtypes = [ctypes.c_void_p]
        self.lib.cuFuncSetAttribute.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self.lib.cuLaunchKernel.argtypes = [ctypes.c_void_p] + [ctypes.c_uint] * 7 + [
            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        self.lib.cuLaunchKernelEx.argtypes = [ctypes.POINTER(LaunchConfig), ctypes.c_void_p,
                                              ctypes.c_void_p, ctypes.c_void_p]
        self.check(self.lib.cuInit(0), "cuInit")

    def check(self, result, what):
        if result == 0:
            return
        name = ctypes.c_char_p()
        self.lib.cuGetErrorName(result, ctypes.byref(name))
        raise ExportedKernelError("%s failed: %s" % (
            what, name.value.decode() if name.value else "CUDA error %d" % result))


_driver = None
_driver_lock = threading.Lock()


def driver():
    global _driver
    with _driver_lock:
        if _driver is None:
            _driver = Driver()
        return _driver
