# SPDX-License-Identifier: Apache-2.0
# Reads exported PyTorch packages the way a call would, without torch or a GPU (the stand-in
# torch of tests/data/fake_torch registers the operators), for torch_package_test.cpp:
#   plans PACKAGES REQUEST.json   for each {"package", "sizes"}: every size's input shapes, the
#                                 symbols a call with those shapes binds, the launch variant and
#                                 plan, the workspace, the tensor maps and the output shapes, as
#                                 JSON
#   rejects PACKAGES PACKAGE      calls outside the contract, each with the error it raised
import importlib
import json
import sys


def facts(rt, kernel, shapes, changes=None):
    """Tensors of these shapes as a call passes them; `changes`: {input index: {field: value}}."""
    out = []
    for i, (spec, shape) in enumerate(zip(kernel.inputs, shapes)):
        t = rt.TensorFacts(spec.name, spec.dtype, shape, True, 4096 * (i + 1), "cuda", 0)
        for key, value in (changes or {}).get(i, {}).items():
            setattr(t, key, value)
        out.append(t)
    return out


def input_shapes(kernel, size):
    env = dict(size, **kernel.constants)
    return [[d.value(env) for d in spec.shape] for spec in kernel.inputs]


def plans(packages, request):
    result = {}
    for item in request:
        package = importlib.import_module(item["package"])
        kernel, rt = package.KERNEL, package._rt
        rows = []
        for size in item["sizes"]:
            shapes = input_shapes(kernel, size)
            symbols, device = kernel.check_inputs(facts(rt, kernel, shapes))
            plan = kernel.plan(symbols)
            rows.append({"inputs": shapes, "symbols": symbols, "variant": plan["variant"],
                         "launches": plan["launches"], "workspace": plan["workspace"],
                         "tensor_maps": plan["tensor_maps"],
                         "outputs": kernel.output_shapes(symbols)})
        result[item["package"]] = rows
    return result


def rejects(package_name):
    package = importlib.import_module(package_name)
    kernel, rt = package.KERNEL, package._rt
    main = dict(kernel.validated_sizes[0])
    shapes = input_shapes(kernel, main)
    cases = {
        "dtype": facts(rt, kernel, shapes, {0: {"dtype": "f32" if kernel.inputs[0].dtype == "f64" else "f64"}}),
        "rank": facts(rt, kernel, [shapes[0] + [1]] + shapes[1:]),
        "device": facts(rt, kernel, shapes, {0: {"device_type": "cpu"}}),
        "contiguous": facts(rt, kernel, shapes, {0: {"contiguous": False}}),
        "alignment": facts(rt, kernel, shapes, {0: {"data_ptr": 4096 + 16}}),
        "count": facts(rt, kernel, shapes)[:-1],
    }
    name, alignment = sorted(kernel.ragged.items())[0] if kernel.ragged else (None, 1)
    if name:
        above = dict(main, **{name: kernel.largest[name] + alignment})
        cases["above"] = facts(rt, kernel, input_shapes(kernel, above))
        cases["zero"] = facts(rt, kernel, input_shapes(kernel, dict(main, **{name: 0})))
    # Two tensors disagreeing on a symbol: the last input's first extent one larger.
    if len(shapes) > 1 and kernel.inputs[-1].shape[0].symbol:
        cases["mismatch"] = facts(rt, kernel, shapes[:-1] + [[shapes[-1][0] + 1] + shapes[-1][1:]])
    out = {}
    for label, call in cases.items():
        try:
            kernel.check_inputs(call)
            out[label] = None
        except rt.ExportedKernelError as e:
            out[label] = str(e)
    return out


def main():
    mode, packages = sys.argv[1], sys.argv[2]
    sys.path.insert(0, packages)
    if mode == "plans":
        with open(sys.argv[3]) as f:
            print(json.dumps(plans(packages, json.load(f))))
    else:
        print(json.dumps(rejects(sys.argv[3])))


if __name__ == "__main__":
    main()
