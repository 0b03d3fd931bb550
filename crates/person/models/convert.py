#!/usr/bin/env python3
"""Convert MediaPipe's TFLite models (from their npm packages) to ONNX for tract.

Reproduces crates/person/models/*.onnx from the registry packages, nothing else:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install tflite==2.18.0 onnx==1.23.2 numpy
    /tmp/venv/bin/python crates/person/models/convert.py          # npm pack + convert
    /tmp/venv/bin/pip install onnxruntime ai-edge-litert pillow   # optional: for --check
    /tmp/venv/bin/python crates/person/models/convert.py --check  # ... and compare with LiteRT

The TFLite graph is NHWC; ONNX convolutions are NCHW. The converter transposes the input once,
keeps every 4-D tensor NCHW inside, and transposes 4-D outputs back (so the ONNX model keeps the
TFLite model's NHWC interface). Weights stored as fp16 behind DEQUANTIZE become fp32 constants.
MediaPipe's custom op Convolution2DTransposeBias is an ordinary transposed convolution plus bias.
HARD_SWISH is x * HardSigmoid(x; 1/6, 0.5). SAME padding becomes auto_pad=SAME_UPPER and the
2x bilinear resizes use scales, so the graphs accept any input whose sides are multiples of 16.
"""
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np
import onnx
import tflite
from onnx import TensorProto, helper, numpy_helper
from tflite.BuiltinOperator import BuiltinOperator as B

HERE = os.path.dirname(os.path.abspath(__file__))

# (npm package, version, file in the tarball, output name, input name, dynamic input?)
MODELS = [
    ("@mediapipe/selfie_segmentation", "0.1.1675465747",
     "package/selfie_segmentation_landscape.tflite", "selfie_segmentation_landscape.onnx"),
    ("@mediapipe/face_detection", "0.4.1657300184",
     "package/face_detection_short_range.tflite", "face_detection_short_range.onnx"),
]

ACT = {0: None, 1: "Relu", 3: "Relu6"}  # TFLite ActivationFunctionType


class Converter:
    def __init__(self, buf):
        self.m = tflite.Model.GetRootAsModel(buf, 0)
        self.g = self.m.Subgraphs(0)
        self.nodes, self.inits, self.consts = [], [], {}
        self.n = 0

    def name(self, i):
        return "t%d" % i

    def fresh(self, base):
        self.n += 1
        return "%s_%d" % (base, self.n)

    def shape(self, i):
        return self.g.Tensors(i).ShapeAsNumpy().tolist()

    def const(self, i):
        """The constant value of tensor i (fp16 weights behind DEQUANTIZE become fp32)."""
        if i in self.consts:
            return self.consts[i]
        t = self.g.Tensors(i)
        data = self.m.Buffers(t.Buffer()).DataAsNumpy()
        if isinstance(data, int) or data is None or len(data) == 0:
            return None
        dtype = {0: np.float32, 1: np.float16, 2: np.int32, 4: np.int64}[t.Type()]
        shape = t.ShapeAsNumpy() if t.ShapeLength() else []
        return np.frombuffer(data.tobytes(), dtype=dtype).reshape(shape)

    def init(self, arr, base="c"):
        nm = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), nm))
        return nm

    def node(self, op, ins, outs, **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, name=self.fresh(op), **attrs))

    def act(self, out, code):
        """Writes a fused activation after an op whose raw output is returned."""
        if ACT.get(code) is None:
            if code != 0:
                raise SystemExit("unsupported fused activation %d" % code)
            return out
        raw = self.fresh("pre")
        if code == 1:
            self.node("Relu", [raw], [out])
        else:
            self.node("Clip", [raw, self.init(np.float32(0)), self.init(np.float32(6))], [out])
        return raw

    def operand(self, i, other_rank=4):
        """An ADD/MUL operand: a constant is laid out to broadcast against an NCHW tensor."""
        c = self.const(i)
        if c is None:
            return self.name(i)
        c = c.astype(np.float32)
        if c.ndim == 4:
            c = c.transpose(0, 3, 1, 2)
        elif c.ndim == 1 and other_rank == 4:
            c = c.reshape(-1, 1, 1)
        return self.init(c)

    def convert(self):
        g, m = self.g, self.m
        inp = g.Inputs(0)
        ishape = self.shape(inp)
        graph_in = helper.make_tensor_value_info(
            "input", TensorProto.FLOAT, [1, "height", "width", ishape[3]])
        self.node("Transpose", ["input"], [self.name(inp)], perm=[0, 3, 1, 2])
        rank = {}
        for k in range(g.OperatorsLength()):
            op = g.Operators(k)
            oc = m.OperatorCodes(op.OpcodeIndex())
            code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
            ins = [op.Inputs(j) for j in range(op.InputsLength())]
            out = op.Outputs(0)
            o = self.name(out)
            opt = op.BuiltinOptions()
            if code == B.DEQUANTIZE:
                self.consts[out] = self.const(ins[0]).astype(np.float32)
                continue
            if code in (B.CONV_2D, B.DEPTHWISE_CONV_2D):
                cls = tflite.Conv2DOptions if code == B.CONV_2D else tflite.DepthwiseConv2DOptions
                o2 = cls()
                o2.Init(opt.Bytes, opt.Pos)
                w = self.const(ins[1]).astype(np.float32)  # [O,kh,kw,I] or [1,kh,kw,C*mult]
                b = self.const(ins[2]).astype(np.float32)
                attrs = dict(strides=[o2.StrideH(), o2.StrideW()],
                             dilations=[o2.DilationHFactor(), o2.DilationWFactor()])
                if code == B.CONV_2D:
                    w = w.transpose(0, 3, 1, 2)
                    group = 1
                else:
                    w = w.transpose(3, 0, 1, 2)  # [C*mult,1,kh,kw]
                    group = self.shape(ins[0])[3]
                attrs["kernel_shape"] = list(w.shape[2:])
                if o2.Padding() == 0:
                    attrs["auto_pad"] = "SAME_UPPER"
                else:
                    attrs["pads"] = [0, 0, 0, 0]
                raw = self.act(o, o2.FusedActivationFunction())
                self.node("Conv", [self.name(ins[0]), self.init(w, "w"), self.init(b, "b")],
                          [raw], group=group, **attrs)
            elif code == B.CUSTOM:
                if oc.CustomCode() != b"Convolution2DTransposeBias":
                    raise SystemExit("unknown custom op %s" % oc.CustomCode())
                params = np.frombuffer(op.CustomOptionsAsNumpy().tobytes(), dtype=np.int32)
                padding, sw, sh = params[:3]
                w = self.const(ins[1]).astype(np.float32)  # [O,kh,kw,I]
                b = self.const(ins[2]).astype(np.float32)
                wt = w.transpose(3, 0, 1, 2)  # ConvTranspose wants [I,O,kh,kw]
                kh, kw = w.shape[1:3]
                if not (padding == 1 and kh == sh and kw == sw):
                    raise SystemExit("transposed convolution layout not handled")
                self.node("ConvTranspose",
                          [self.name(ins[0]), self.init(wt, "w"), self.init(b, "b")], [o],
                          kernel_shape=[int(kh), int(kw)], strides=[int(sh), int(sw)])
            elif code == B.HARD_SWISH:
                hs = self.fresh("hs")
                self.node("HardSigmoid", [self.name(ins[0])], [hs], alpha=1.0 / 6, beta=0.5)
                self.node("Mul", [self.name(ins[0]), hs], [o])
            elif code in (B.RELU, B.LOGISTIC):
                self.node({B.RELU: "Relu", B.LOGISTIC: "Sigmoid"}[code], [self.name(ins[0])], [o])
            elif code in (B.ADD, B.MUL):
                cls = tflite.AddOptions if code == B.ADD else tflite.MulOptions
                o2 = cls()
                o2.Init(opt.Bytes, opt.Pos)
                raw = self.act(o, o2.FusedActivationFunction())
                self.node("Add" if code == B.ADD else "Mul",
                          [self.operand(ins[0]), self.operand(ins[1])], [raw])
            elif code == B.MEAN:
                axes = self.const(ins[1]).tolist()
                if sorted(axes) != [1, 2]:
                    raise SystemExit("MEAN over %s not handled" % axes)
                self.node("GlobalAveragePool", [self.name(ins[0])], [o])
            elif code == B.RESIZE_BILINEAR:
                o2 = tflite.ResizeBilinearOptions()
                o2.Init(opt.Bytes, opt.Pos)
                si, so = self.shape(ins[0]), self.shape(out)
                scales = np.array([1, 1, so[1] / si[1], so[2] / si[2]], dtype=np.float32)
                mode = ("align_corners" if o2.AlignCorners() else
                        "half_pixel" if o2.HalfPixelCenters() else "asymmetric")
                self.node("Resize", [self.name(ins[0]), "", self.init(scales, "scales")], [o],
                          mode="linear", coordinate_transformation_mode=mode)
            elif code == B.MAX_POOL_2D:
                o2 = tflite.Pool2DOptions()
                o2.Init(opt.Bytes, opt.Pos)
                attrs = dict(kernel_shape=[o2.FilterHeight(), o2.FilterWidth()],
                             strides=[o2.StrideH(), o2.StrideW()])
                if o2.Padding() == 0:
                    attrs["auto_pad"] = "SAME_UPPER"
                raw = self.act(o, o2.FusedActivationFunction())
                self.node("MaxPool", [self.name(ins[0])], [raw], **attrs)
            elif code == B.PAD:
                p = self.const(ins[1])  # [[before, after]] per NHWC axis
                p = p[[0, 3, 1, 2]]
                pads = np.concatenate([p[:, 0], p[:, 1]]).astype(np.int64)
                self.node("Pad", [self.name(ins[0]), self.init(pads, "pads")], [o])
            elif code == B.RESHAPE:
                # Back to NHWC order first, then reshape with the anchor axis left free.
                nhwc = self.fresh("nhwc")
                self.node("Transpose", [self.name(ins[0])], [nhwc], perm=[0, 2, 3, 1])
                target = self.shape(out)
                target = [target[0], -1] + target[2:]
                self.node("Reshape", [nhwc, self.init(np.array(target, dtype=np.int64))], [o])
                rank[out] = len(target)
            elif code == B.CONCATENATION:
                o2 = tflite.ConcatenationOptions()
                o2.Init(opt.Bytes, opt.Pos)
                if any(rank.get(i) is None for i in ins):
                    raise SystemExit("concatenation of 4-D tensors not handled")
                self.node("Concat", [self.name(i) for i in ins], [o], axis=o2.Axis())
                rank[out] = rank[ins[0]]
            else:
                raise SystemExit("operator %d not handled" % code)
        outputs = []
        for j in range(g.OutputsLength()):
            t = g.Outputs(j)
            nm = g.Tensors(t).Name().decode()
            if rank.get(t) is None:  # a 4-D NCHW tensor: back to NHWC
                self.node("Transpose", [self.name(t)], [nm], perm=[0, 2, 3, 1])
                dims = [1, "height", "width", self.shape(t)[3]]
            else:
                self.node("Identity", [self.name(t)], [nm])
                dims = [1, "anchors", self.shape(t)[2]]
            outputs.append(helper.make_tensor_value_info(nm, TensorProto.FLOAT, dims))
        graph = helper.make_graph(self.nodes, "mediapipe", [graph_in], outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                  producer_name="mentor-preflight crates/person/models/convert.py")
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def check(tflite_bytes, onnx_path):
    """Runs the original (Google's LiteRT) and the converted model (onnxruntime) on the same
    random picture and returns the largest difference over all outputs."""
    import onnxruntime
    from ai_edge_litert.interpreter import Interpreter

    it = Interpreter(model_content=tflite_bytes)
    it.allocate_tensors()
    shape = it.get_input_details()[0]["shape"]
    x = np.random.default_rng(7).random(shape, dtype=np.float32)
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    ref = [it.get_tensor(o["index"]) for o in it.get_output_details()]
    got = onnxruntime.InferenceSession(onnx_path).run(None, {"input": x})
    worst = 0.0
    for r in ref:
        worst = max(worst, min(float(np.abs(g - r).max()) for g in got if g.shape == r.shape))
    return worst


def main():
    work = tempfile.mkdtemp()
    for pkg, ver, member, out in MODELS:
        tgz = subprocess.run(["npm", "pack", "--silent", "%s@%s" % (pkg, ver)], cwd=work,
                             check=True, capture_output=True, text=True).stdout.split()[-1]
        with tarfile.open(os.path.join(work, tgz)) as t:
            buf = t.extractfile(member).read()
        model = Converter(buf).convert()
        dest = os.path.join(HERE, out)
        onnx.save(model, dest)
        print("%s@%s %s (sha256 %s) -> crates/person/models/%s" % (
            pkg, ver, member, hashlib.sha256(buf).hexdigest(), out))
        if "--check" in sys.argv:
            diff = check(buf, dest)
            print("  largest difference from LiteRT: %.2e" % diff)
            if diff > 1e-3:
                raise SystemExit("the converted model does not match the original")


if __name__ == "__main__":
    sys.exit(main())
