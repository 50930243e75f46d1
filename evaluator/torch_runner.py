# SPDX-License-Identifier: Apache-2.0
# The PyTorch baseline runner: runs a task's PyTorch expression on the GPU, once (its outputs go
# to files) or timed the way evaluator/worker/sample_timer.cpp times kernels. evaluator/torch_runner.cpp
# builds this file into kopt, writes it out and starts it as `python -u torch_runner.py
# [--device N]`; it speaks kopt's worker protocol (evaluator/protocol.h) on stdin and stdout.
# Standard library and torch only: tensors are raw files, read with torch.frombuffer (bf16 has
# no numpy dtype).
import ast
import builtins
import json
import keyword
import linecache
import math
import os
import platform
import struct
import sys
import time
import traceback

torch = None  # imported by start(), which reports its absence

# kopt's dtype names (core/dtype.cpp) -> the torch attribute and the bytes of one element.
DTYPES = {
    "f32": ("float32", 4),
    "f16": ("float16", 2),
    "bf16": ("bfloat16", 2),
    "f64": ("float64", 8),
    "i32": ("int32", 4),
    "i64": ("int64", 8),
    "i8": ("int8", 1),
    "u8": ("uint8", 1),
}

# The file name the expression compiles under: tracebacks name it, and linecache holds its text.
SOURCE_FILE = "<torch expression>"
MAX_ERROR_CHARS = 4000

# The timing loop's constants, as in evaluator/worker/sample_timer.cpp.
WARMUP_MS = 25
MAX_WARMUP_RUNS = 200
ROUND_MS = 10  # GPU time queued between host synchronisations
MAX_ROUND = 256


class JobError(Exception):
    """A failure of the job's expression or of what it returned: reported, and the runner goes
    on serving."""


# --- frames: a 4-byte little-endian length, then that many bytes of JSON ---


def read_exact(fd, n):
    chunks = []
    while n > 0:
        chunk = os.read(fd, n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(fd):
    header = read_exact(fd, 4)
    if header is None:
        return None
    body = read_exact(fd, struct.unpack("<I", header)[0])
    return None if body is None else json.loads(body.decode("utf-8"))


def write_frame(fd, message):
    data = json.dumps(message).encode("utf-8")
    data = struct.pack("<I", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


# --- start-up ---


def start(device):
    """The greeting: versions and the device, or why this interpreter cannot run anything."""
    global torch
    ready = {"type": "ready", "python": platform.python_version()}
    try:
        import torch as imported
    except ModuleNotFoundError as e:
        if e.name != "torch":
            ready["error"] = "import torch failed in %s: %s" % (sys.executable, describe(e))
        else:
            ready["error"] = ("no module named torch in %s (install PyTorch for that "
                              "interpreter, or name another one with --python)" % sys.executable)
        return ready
    except Exception as e:  # a broken installation: say what broke
        ready["error"] = "import torch failed in %s: %s" % (sys.executable, describe(e))
        return ready
    torch = imported
    if not torch.cuda.is_available():
        ready["error"] = ("CUDA not available to torch %s in %s (torch.cuda.is_available() is "
                          "false: a CPU-only build of torch, or no GPU or driver visible)" %
                          (torch.__version__, sys.executable))
        return ready
    if device >= torch.cuda.device_count():
        ready["error"] = "torch sees %d CUDA device(s); device %d does not exist" % (
            torch.cuda.device_count(), device)
        return ready
    torch.cuda.set_device(device)
    torch.set_grad_enabled(False)  # baselines are inference: no autograd graph is recorded
    # fp32 stays fp32, as kopt asks of candidates unless a task's contract allows TF32
    # (PyTorch's own default for matmul; cuDNN's convolutions would use TF32 otherwise).
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    try:
        import triton
        triton_version = triton.__version__
    except Exception:
        triton_version = None
    ready.update(torch=torch.__version__, triton=triton_version, cuda=True,
                 device=torch.cuda.get_device_name(device))
    return ready


# --- the expression ---


def build(src, params):
    """The function whose parameters are `params` and whose body is `src`: a single expression
    (returned) or statements with a return. Line numbers stay those of `src`."""
    seen = set()
    for name in params:
        if not name.isidentifier() or keyword.iskeyword(name) or name in seen:
            raise JobError("%r cannot name a parameter of the torch expression" % name)
        seen.add(name)
    try:
        expression = ast.parse(src, SOURCE_FILE, "eval")
        body = [ast.copy_location(ast.Return(value=expression.body), expression.body)]
    except SyntaxError:
        try:
            body = ast.parse(src, SOURCE_FILE, "exec").body
        except SyntaxError as e:
            raise JobError("SyntaxError in the torch expression, line %s: %s" % (e.lineno, e.msg))
    if not body:
        raise JobError("the torch expression is empty")
    module = ast.parse("def kopt_torch(%s):\n    pass\n" % ", ".join(params), SOURCE_FILE, "exec")
    module.body[0].body = body
    ast.fix_missing_locations(module)
    try:
        code = compile(module, SOURCE_FILE, "exec")
    except SyntaxError as e:
        raise JobError("SyntaxError in the torch expression, line %s: %s" % (e.lineno, e.msg))
    # Tracebacks, inspect and torch.compile read the text through linecache.
    linecache.cache[SOURCE_FILE] = (len(src), None, src.splitlines(True), SOURCE_FILE)
    scope = {"torch": torch, "F": torch.nn.functional, "math": math, "__builtins__": builtins}
    exec(code, scope)
    return scope["kopt_torch"]


def describe(error):
    """`Type: message`, and where the expression was when it raised."""
    text = "%s: %s" % (type(error).__name__, error)
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == SOURCE_FILE]
    if frames:
        where = frames[-1]
        line = (where.line or "").strip()
        text += " (torch expression, line %d%s)" % (where.lineno, ": " + line if line else "")
    if len(text) > MAX_ERROR_CHARS:
        text = text[:MAX_ERROR_CHARS] + " [...]"
    return text


# --- tensors: raw row-major files in the task's dtype ---


def torch_dtype(name):
    if name not in DTYPES:
        raise JobError("unknown dtype %r" % name)
    return getattr(torch, DTYPES[name][0])


def element_count(shape):
    count = 1
    for extent in shape:
        count *= int(extent)
    return count


def load(spec):
    dtype = torch_dtype(spec["dtype"])
    shape = [int(d) for d in spec["shape"]]
    size = element_count(shape) * DTYPES[spec["dtype"]][1]
    on_disk = os.path.getsize(spec["path"])
    if on_disk != size:
        raise JobError("input %s: %s holds %d bytes, %d expected" %
                       (spec["name"], spec["path"], on_disk, size))
    if size == 0:  # torch.frombuffer refuses an empty buffer
        return torch.empty(shape, dtype=dtype).cuda()
    data = bytearray(size)
    with open(spec["path"], "rb") as f:
        f.readinto(data)
    return torch.frombuffer(data, dtype=dtype).reshape(shape).cuda()


def save(tensor, spec):
    flat = tensor.detach().contiguous().reshape(-1)
    data = bytearray(flat.numel() * DTYPES[spec["dtype"]][1])
    if data:
        # A host tensor over `data` itself: the copy from the GPU lands in the buffer written.
        torch.frombuffer(data, dtype=torch.uint8).copy_(flat.view(torch.uint8))
    with open(spec["path"], "wb") as f:
        f.write(data)


def check_results(value, outputs):
    """The expression's results as a list, one per output, each of the output's dtype and
    element count (its shape may differ: the bytes are compared)."""
    got = list(value) if isinstance(value, (tuple, list)) else [value]
    if len(got) != len(outputs):
        raise JobError("the torch expression returned %d value(s); the task has %d output(s): %s" %
                       (len(got), len(outputs), ", ".join(o["name"] for o in outputs)))
    for result, spec in zip(got, outputs):
        name = spec["name"]
        if not isinstance(result, torch.Tensor):
            raise JobError("output %s: the torch expression returned a %s, not a tensor" %
                           (name, type(result).__name__))
        if result.dtype != torch_dtype(spec["dtype"]):
            raise JobError("output %s is %s (%s) in the task, but the torch expression returned "
                           "%s" % (name, spec["dtype"], torch_dtype(spec["dtype"]), result.dtype))
        count = element_count(spec["shape"])
        if result.numel() != count:
            raise JobError("output %s has %d elements (shape %s) in the task, but the torch "
                           "expression returned %d (shape %s)" %
                           (name, count, list(spec["shape"]), result.numel(), list(result.shape)))
        if not result.is_cuda:
            raise JobError("output %s: the torch expression returned a tensor on the CPU; it "
                           "must compute on the GPU" % name)
    return got


# --- jobs ---


def run(fn, args, job, progress):
    progress("running the torch expression")
    results = check_results(fn(*args), job["outputs"])
    torch.cuda.synchronize()
    progress("writing outputs")
    for result, spec in zip(results, job["outputs"]):
        save(result, spec)
    return {"type": "result", "ok": True}


def relative_median_error(samples):
    """core/stats.cpp's RelativeMedianError(Summarize(samples)): the stopping rule."""
    n = len(samples)
    if n < 2:
        return math.inf
    ordered = sorted(samples)
    position = 0.5 * (n - 1)
    low = int(math.floor(position))
    high = min(low + 1, n - 1)
    median = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    if median <= 0:
        return math.inf
    mean = sum(ordered) / n
    stddev = math.sqrt(sum((x - mean) ** 2 for x in ordered) / (n - 1))
    return 1.2533 * stddev / math.sqrt(n) / median


def time_calls(call, args, config, flush_bytes, progress):
    """evaluator/worker/sample_timer.cpp's TimeLaunchSequence for one input set: warm up, then per
    sample flush L2 outside the events, record events around the call only, synchronise once
    per round, and stop once the median is pinned down or the time cap is reached."""
    flush = torch.empty(flush_bytes, dtype=torch.uint8, device="cuda") if flush_bytes > 0 else None

    def flush_l2():
        if flush is not None:
            flush.zero_()

    def event():
        return torch.cuda.Event(enable_timing=True)

    progress("warm-up")
    warmup_runs, warmup_ms, estimate_ms = 0, 0.0, 0.0
    start, stop = event(), event()
    while warmup_runs < MAX_WARMUP_RUNS and (warmup_runs < 2 or warmup_ms < WARMUP_MS):
        flush_l2()
        start.record()
        call(*args)
        stop.record()
        stop.synchronize()
        estimate_ms = start.elapsed_time(stop)
        warmup_ms += estimate_ms
        warmup_runs += 1

    progress("timing")
    round_size = min(max(int(ROUND_MS / max(estimate_ms, 1e-3)), 1), MAX_ROUND)
    events = [(event(), event()) for _ in range(round_size)]
    samples, sampled_ms = [], 0.0
    wall_start = time.perf_counter()
    while True:
        count = min(round_size, config["max_samples"] - len(samples))
        if count <= 0:
            break
        for i in range(count):
            flush_l2()
            events[i][0].record()
            call(*args)
            events[i][1].record()
        events[count - 1][1].synchronize()
        for i in range(count):
            samples.append(events[i][0].elapsed_time(events[i][1]))
            sampled_ms += samples[-1]
        wall_s = time.perf_counter() - wall_start
        settled = (len(samples) >= config["min_samples"] and
                   relative_median_error(samples) <= config["noise_target"])
        capped = (sampled_ms >= config["max_timing_s"] * 1000 or
                  wall_s >= 3 * config["max_timing_s"] or len(samples) >= config["max_samples"])
        # A slow call may hit the cap first; it still gets a few samples.
        if settled or (capped and len(samples) >= 3):
            break
    return samples, warmup_ms, warmup_runs


def time_job(fn, args, job, progress):
    mode = job.get("mode")
    if mode not in ("eager", "compile"):
        raise JobError("unknown timing mode %r (eager or compile)" % mode)
    call, compile_ms = fn, None
    if mode == "compile":
        progress("compiling")
        call = torch.compile(fn)
        # The first call traces and compiles: its wall time is the compile time, never a sample.
        began = time.perf_counter()
        first = call(*args)
        torch.cuda.synchronize()
        compile_ms = (time.perf_counter() - began) * 1e3
    else:
        progress("first call")
        first = call(*args)
        torch.cuda.synchronize()
    check_results(first, job["outputs"])
    del first
    samples, warmup_ms, warmup_runs = time_calls(call, args, job["config"],
                                                 int(job["config"].get("flush_bytes", 0)),
                                                 progress)
    return {"type": "result", "samples_ms": samples, "compile_ms": compile_ms,
            "warmup_ms": warmup_ms, "warmup_runs": warmup_runs}


def handle(job, progress):
    if not isinstance(job, dict):
        raise JobError("a job is a JSON object")
    kind = job.get("type")
    if kind not in ("run", "time"):
        raise JobError("unknown job type %r" % kind)
    symbols = job.get("symbols", {})
    fn = build(job["torch"], [i["name"] for i in job["inputs"]] + list(symbols))
    progress("loading inputs")
    args = [load(spec) for spec in job["inputs"]] + [int(v) for v in symbols.values()]
    if kind == "run":
        return run(fn, args, job, progress)
    return time_job(fn, args, job, progress)


def clean_up(job):
    """After every job: torch.compile's caches dropped (many jobs would pile up compiled graphs)
    and the job's GPU memory handed back. Best effort: a broken context fails here too."""
    try:
        dynamo = sys.modules.get("torch._dynamo")
        if dynamo is not None and isinstance(job, dict) and job.get("mode") == "compile":
            dynamo.reset()
        torch.cuda.empty_cache()
    except Exception:
        pass


def serve(inp, out):
    progress = lambda stage: write_frame(out, {"type": "progress", "stage": stage})
    while True:
        job = read_frame(inp)
        if job is None:
            return 0
        try:
            reply = handle(job, progress)
        except JobError as e:
            reply = {"type": "result", "error": str(e)}
        except Exception as e:
            reply = {"type": "result", "error": describe(e)}
            # A CUDA error can leave the context unusable: kopt starts a fresh runner.
            if "CUDA error" in str(e) or "device-side assert" in str(e):
                reply["restart"] = True
        clean_up(job)
        write_frame(out, reply)


def main():
    # Frames go to the original stdout; anything Python or torch prints goes to stderr instead.
    out = os.dup(1)
    os.dup2(2, 1)
    device = 0
    if len(sys.argv) == 3 and sys.argv[1] == "--device":
        device = int(sys.argv[2])
    ready = start(device)
    write_frame(out, ready)
    if "error" in ready:
        return 1
    return serve(0, out)


if __name__ == "__main__":
    sys.exit(main())
