"""Reads safetensors files the way a Python user of the store would, for SafetensorsPythonInteropTest.

  numpy FILE...          read with numpy only (the format rules, nothing else); print a JSON list of summaries
  reference FILE...      read with the reference library (safetensors.numpy.load_file), same output
  resave FILE OUT ...    read each FILE with the reference library and write it again with it to OUT (save_file)
  has-reference          exit 0 if the reference library is importable
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "U16": "<u2", "F16": "<f2",
          "I32": "<i4", "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8", "U64": "<u8"}


def load_numpy_only(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        arr = np.frombuffer(body[begin:end], dtype=np.dtype(DTYPES[info["dtype"]]))
        tensors[name] = arr.reshape(info["shape"])
    return tensors, metadata


def summary(tensors, metadata):
    out = {"__metadata__": metadata}
    for name, arr in tensors.items():
        le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        out[name] = {"shape": list(arr.shape), "dtype": arr.dtype.str.lstrip("<>|="),
                     "hex": le.tobytes().hex(), "values": arr.astype(np.float64).ravel().tolist()}
    return out


def main(argv):
    mode, args = argv[1], argv[2:]
    if mode == "has-reference":
        import safetensors.numpy  # noqa: F401
        return
    if mode == "numpy":
        json.dump([summary(*load_numpy_only(path)) for path in args], sys.stdout)
        return
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file

    def load_reference(path):
        with safe_open(path, framework="np") as f:
            metadata = f.metadata() or {}
        return load_file(path), metadata

    if mode == "reference":
        json.dump([summary(*load_reference(path)) for path in args], sys.stdout)
    elif mode == "resave":
        for path, out in zip(args[0::2], args[1::2]):
            tensors, metadata = load_reference(path)
            save_file(tensors, out, metadata=metadata or None)
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
