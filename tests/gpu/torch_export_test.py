# SPDX-License-Identifier: Apache-2.0
# The packages of `kopt export --format torch` on a GPU (run by torch_export_test.sh): each
# exported operator against its task's PyTorch expression on random inputs, at the task's size,
# its check sizes and sizes drawn from its contract; the same under torch.compile(fullgraph);
# calls outside the validated contract raise; and the operator timed beside the PyTorch
# expression by the PyTorch runner's own timer (L2 flushed before every sample, CUDA events,
# median). Prints one table row per task; exits 1 on any failure.
#   python3 torch_export_test.py PACKAGES_DIR TASKS_DIR RUNNER_PY
import importlib
import importlib.util
import json
import os
import random
import sys

import torch

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
    return condition


def load_runner(path):
    spec = importlib.util.spec_from_file_location("torch_runner", path)
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    runner.torch = torch
    return runner


def make_input(spec, shape, generator):
    dtype = getattr(torch, {"f32": "float32", "f16": "float16", "bf16": "bfloat16",
                            "f64": "float64", "i32": "int32", "i64": "int64", "i8": "int8",
                            "u8": "uint8"}[spec["dtype"]])
    init = spec.get("init", {"dist": "normal"})
    dist = init.get("dist", "normal")
    if dist == "randint":
        return torch.randint(int(init.get("low", 0)), int(init.get("high", 2)), shape,
                             generator=generator, device="cuda").to(dtype)
    if dist == "constant":
        return torch.full(shape, float(init.get("value", 0)), device="cuda").to(dtype)
    if dist == "uniform":
        low, high = float(init.get("low", 0)), float(init.get("high", 1))
        x = torch.rand(shape, generator=generator, device="cuda") * (high - low) + low
        return x.to(dtype)
    x = torch.randn(shape, generator=generator, device="cuda")
    return (x * float(init.get("std", 1)) + float(init.get("mean", 0))).to(dtype)


def close(got, want, tolerance):
    if got.dtype.is_floating_point:
        return torch.allclose(got.float(), want.float(), rtol=tolerance["rtol"],
                              atol=tolerance["atol"], equal_nan=True)
    return torch.equal(got, want)


def as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class TaskCase:
    def __init__(self, task_dir, runner):
        with open(os.path.join(task_dir, "task.json")) as f:
            self.spec = json.load(f)
        self.name = self.spec["name"]
        self.package = importlib.import_module("kopt_" + self.name)
        self.kernel = self.package.KERNEL
        self.op = getattr(torch.ops.kopt, self.name)
        self.inputs = [t for t in self.spec["tensors"] if t["role"] == "input"]
        self.symbols = dict(self.spec["symbols"])
        self.reference = runner.build(self.spec["torch"],
                                      [t["name"] for t in self.inputs] + list(self.symbols))

    def sizes(self, rng):
        """The task's size, its check sizes, and two drawn from its contract."""
        sizes = [dict(self.symbols)]
        for s in self.spec.get("check_symbols", []):
            sizes.append(dict(self.symbols, **s))
        for _ in range(2):
            size = dict(sizes[-1])
            for name, alignment in self.kernel.ragged.items():
                size[name] = rng.randint(1, self.kernel.largest[name] // alignment) * alignment
            sizes.append(size)
        return sizes

    def make_inputs(self, size, seed):
        generator = torch.Generator(device="cuda")
        generator.manual_seed(seed)
        env = dict(size, **self.kernel.constants)
        return [make_input(spec, [d.value(env) for d in kspec.shape], generator)
                for spec, kspec in zip(self.inputs, self.kernel.inputs)]

    def expected(self, args, size):
        return as_tuple(self.reference(*args, *[size[k] for k in self.symbols]))

    def correct(self, call, size, seed, label):
        args = self.make_inputs(size, seed)
        got = as_tuple(call(*args))
        want = self.expected(args, size)
        ok = len(got) == len(want) and all(
            g.shape == w.shape and close(g, w, self.spec["tolerance"]) for g, w in zip(got, want))
        return check(ok, "%s: %s disagrees with the torch expression at %s" % (
            self.name, label, size))

    def rejects(self, args, words, label):
        try:
            self.op(*args)
        except ValueError as e:
            return check(words in str(e), "%s: %s raised, but without %r: %s" % (
                self.name, label, words, e))
        return check(False, "%s: %s was accepted" % (self.name, label))

    def negative_cases(self):
        args = self.make_inputs(self.symbols, 1)
        first = args[0]
        passed = 0
        other = torch.float64 if first.dtype != torch.float64 else torch.float32
        passed += self.rejects([first.to(other)] + args[1:], "must be", "a wrong dtype")
        passed += self.rejects([first.cpu()] + args[1:], "CUDA tensor", "a CPU tensor")
        wide = torch.empty([2 * first.shape[0]] + list(first.shape[1:]), dtype=first.dtype,
                           device="cuda")[::2]
        wide.copy_(first)
        passed += self.rejects([wide] + args[1:], "contiguous", "a strided view")
        flat = torch.empty(first.numel() + 1, dtype=first.dtype, device="cuda")
        shifted = flat[1:].view(first.shape)
        shifted.copy_(first)
        passed += self.rejects([shifted] + args[1:], "boundary", "a misaligned view")
        cases = 4
        if self.kernel.ragged:
            name, alignment = sorted(self.kernel.ragged.items())[0]
            big = dict(self.symbols)
            big[name] = self.kernel.largest[name] + alignment
            passed += self.rejects(self.make_inputs(big, 2), "largest value", "a size above "
                                   "the validated range")
            cases += 1
        return passed, cases

    def time(self, runner, flush_bytes):
        args = self.make_inputs(self.symbols, 3)
        config = {"noise_target": 0.005, "max_timing_s": 1.0, "min_samples": 10,
                  "max_samples": 10000}
        quiet = lambda stage: None
        median = lambda samples: sorted(samples)[len(samples) // 2]
        ours, _, _ = runner.time_calls(self.op, args, config, flush_bytes, quiet)
        symbols = [self.symbols[k] for k in self.symbols]
        theirs, _, _ = runner.time_calls(lambda *a: self.reference(*a, *symbols), args, config,
                                         flush_bytes, quiet)
        return median(ours), median(theirs)


def main():
    packages, tasks_dir, runner_path = sys.argv[1:4]
    sys.path.insert(0, packages)
    runner = load_runner(runner_path)
    torch.set_grad_enabled(False)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    props = torch.cuda.get_device_properties(0)
    flush_bytes = max(2 * props.L2_cache_size, 64 << 20)
    rng = random.Random(7)
    rows = []
    for name in sorted(os.listdir(packages)):
        task = name[len("kopt_"):]
        case = TaskCase(os.path.join(tasks_dir, task), runner)
        sizes = case.sizes(rng)
        eager = sum(case.correct(case.op, size, 10 + i, "the operator")
                    for i, size in enumerate(sizes))
        compiled_op = torch.compile(lambda *a: case.op(*a), fullgraph=True)
        compiled = sum(case.correct(compiled_op, size, 20 + i, "the operator under "
                                    "torch.compile") for i, size in enumerate(sizes[:2]))
        negatives, cases = case.negative_cases()
        ours, theirs = case.time(runner, flush_bytes)
        rows.append((task, "%d/%d" % (eager, len(sizes)), "%d/2" % compiled,
                     "%d/%d" % (negatives, cases), "%.4f" % ours, "%.4f" % theirs,
                     "%.2fx" % (theirs / ours)))
    print("GPU: %s (the operator and PyTorch timed alike: L2 flushed, CUDA events, median ms)"
          % torch.cuda.get_device_name(0))
    header = ("task", "checked", "compile", "rejects", "op ms", "torch ms", "speedup")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for f in failures:
        print("FAILED: " + f)
    if not rows:
        print("FAILED: no package in " + packages)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
