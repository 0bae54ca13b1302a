#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference side of the model tests, run with Debian's python3-torchvision.

Makes torchvision models with random weights, saves them in each format that
published weights use, and writes reference inputs and outputs as raw
little-endian float32 files for the C++ tests to compare against. Nothing here
is committed: the tests call it at test time into a temporary folder.
"""
import argparse
import collections
import io
import json
import pickle
import re
import struct
import sys
import tarfile
import zipfile

import torch
import torch.nn.functional as F
import torchvision

MAGIC = 0x1950A86A20F9469CFC6C  # torch.serialization.MAGIC_NUMBER
LEGACY_PROTOCOL = 1001


def make_model(arch, classes):
    return getattr(torchvision.models, arch)(weights=None, num_classes=classes)


def write_floats(path, tensor):
    tensor.detach().contiguous().to(torch.float32).numpy().tofile(path)


def save_tar(state, path):
    """The pre-2017 torch.save format: a tar of sys_info, storages, tensors, pickle."""
    storages, tensors, keys = io.BytesIO(), io.BytesIO(), {}
    pickle.dump(len(state), storages, protocol=2)
    pickle.dump(len(state), tensors, protocol=2)
    for i, (name, t) in enumerate(state.items()):
        t = t.detach().contiguous()
        kind = t.storage().pickle_storage_type().replace("Storage", "")  # "Float", "Long"
        storage_type = getattr(torch, kind + "Storage")
        tensor_type = getattr(torch, kind + "Tensor")
        pickle.dump((i, "cpu", storage_type), storages, protocol=2)
        storages.write(struct.pack("<q", t.numel()))
        storages.write(t.numpy().tobytes())
        key = 1000 + i  # old torch keyed storages and tensors by int
        pickle.dump((key, i, tensor_type), tensors, protocol=2)
        tensors.write(struct.pack("<i", t.dim()) + b"\0" * 4)
        tensors.write(struct.pack(f"<{t.dim()}q", *t.size()))
        tensors.write(struct.pack(f"<{t.dim()}q", *t.stride()))
        tensors.write(struct.pack("<q", 0))
        keys[id(state[name])] = key
    pickle.dump([], storages, protocol=2)  # storage views

    main = io.BytesIO()

    class TensorPickler(pickle.Pickler):
        def persistent_id(self, obj):
            return keys.get(id(obj)) if torch.is_tensor(obj) else None

    TensorPickler(main, protocol=2).dump(collections.OrderedDict(state))
    sys_info = pickle.dumps(dict(protocol_version=1000, little_endian=True,
                                 type_sizes=dict(short=2, int=4, long=8)), protocol=2)
    with tarfile.open(path, "w:", format=tarfile.PAX_FORMAT) as tar:
        for member, data in (("sys_info", sys_info), ("pickle", main.getvalue()),
                             ("storages", storages.getvalue()), ("tensors", tensors.getvalue())):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def save_chexnet_style(state, path):
    """Like arnoweng/CheXNet's model.pth.tar: a legacy pickle from PyTorch 0.3,
    _rebuild_tensor (v1), torch.cuda.FloatStorage, DataParallel + densenet121
    prefixes, old DenseNet names, no num_batches_tracked, a 14-output head."""
    renamed = collections.OrderedDict()
    for name, t in state.items():
        if name.endswith("num_batches_tracked"):
            continue
        name = re.sub(r"(denselayer\d+\.)(norm|relu|conv)([12])\.", r"\1\2.\3.", name)
        name = name.replace("classifier.", "classifier.0.")
        renamed["module.densenet121." + name] = t.detach().contiguous()
    storages = collections.OrderedDict()

    class LegacyPickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, torch.storage.TypedStorage):
                key = str(obj.data_ptr())
                storages.setdefault(key, obj)
                return ("storage", torch.cuda.FloatStorage, key, "cuda:0", obj.size(), None)
            return None

        def reducer_override(self, obj):
            if torch.is_tensor(obj):
                return (torch._utils._rebuild_tensor,
                        (obj.storage(), obj.storage_offset(), tuple(obj.size()), obj.stride()))
            return NotImplemented

    checkpoint = {"epoch": 7, "arch": "densenet121", "state_dict": renamed,
                  "best_loss": 0.123, "optimizer": {"state": {}, "param_groups": [
                      {"lr": 0.001, "betas": (0.9, 0.999), "params": [1, 2]}]}}
    with open(path, "wb") as f:
        pickle.dump(MAGIC, f, protocol=2)
        pickle.dump(LEGACY_PROTOCOL, f, protocol=2)
        pickle.dump(dict(protocol_version=LEGACY_PROTOCOL, little_endian=True,
                         type_sizes=dict(short=2, int=4, long=8)), f, protocol=2)
        LegacyPickler(f, protocol=2).dump(checkpoint)
        pickle.dump(list(storages.keys()), f, protocol=2)
        for storage in storages.values():
            f.write(struct.pack("<q", storage.size()))
            f.write(torch.tensor([], dtype=storage.dtype).set_(storage).numpy().tobytes())


def save_with_extra_entry(state, path, kind):
    """A valid torch.save zip plus one entry whose name tries to leave the archive."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        archive = source.namelist()[0].split("/")[0]
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        name = archive + "/../../escape.txt" if kind == "traversal" else "../escape/data.pkl"
        target.writestr(name, b"should never be written anywhere")


def reference(args):
    """Weights in the requested format plus reference outputs."""
    torch.manual_seed(args.seed)
    model = make_model(args.arch, args.classes)
    # Non-trivial BatchNorm statistics, so eval mode really uses them.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    state = model.state_dict()
    if args.format == "zip":
        torch.save(state, args.weights)
    elif args.format == "legacy":
        torch.save(state, args.weights, _use_new_zipfile_serialization=False)
    elif args.format == "tar":
        save_tar(state, args.weights)
    elif args.format == "chexnet":
        save_chexnet_style(state, args.weights)
    elif args.format == "nested":  # training-script checkpoint with DataParallel names
        torch.save({"epoch": 3, "state_dict": collections.OrderedDict(
            ("module." + k, v) for k, v in state.items())}, args.weights)
    elif args.format in ("double", "half"):  # other float widths: must convert
        dtype = torch.float64 if args.format == "double" else torch.float16
        torch.save(collections.OrderedDict(
            (k, v.to(dtype) if v.is_floating_point() else v) for k, v in state.items()),
            args.weights)
    elif args.format == "int":  # one convolution stored as integers: must refuse
        bad = collections.OrderedDict(state)
        name = next(k for k in bad if k.endswith("weight") and bad[k].dim() == 4)
        bad[name] = (bad[name] * 1000).long()
        torch.save(bad, args.weights)
    elif args.format in ("traversal", "outside"):  # hostile zip entry names
        save_with_extra_entry(state, args.weights, args.format)

    x = torch.randn(args.batch, 3, args.size, args.size)
    write_floats(args.out + "/input.bin", x)
    model.eval()
    with torch.no_grad():
        write_floats(args.out + "/logits_eval.bin", model(x))
        if args.arch == "densenet121":
            pooled = F.adaptive_avg_pool2d(F.relu(model.features(x)), 1).flatten(1)
        else:
            body = torch.nn.Sequential(*list(model.children())[:-1])
            pooled = body(x).flatten(1)
        write_floats(args.out + "/pooled.bin", pooled)

    # One training step: train-mode BatchNorm, cross-entropy, Adam(1e-3).
    model.train()
    labels = torch.arange(args.batch) % args.classes
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss = F.cross_entropy(model(x), labels)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    model.eval()
    with torch.no_grad():
        write_floats(args.out + "/logits_after_step.bin", model(x))
    with open(args.out + "/train.json", "w") as f:
        json.dump({"loss": loss.item(), "labels": labels.tolist()}, f)


def check_checkpoint(args):
    """torch.load a CXR Studio checkpoint, strict-load it into torchvision, run it."""
    checkpoint = torch.load(args.checkpoint)
    model = make_model(checkpoint["arch"], len(checkpoint["classes"]))
    model.load_state_dict(checkpoint["state_dict"], strict=True)
    model.eval()
    x = torch.from_numpy(__import__("numpy").fromfile(args.input, dtype="float32"))
    size = checkpoint["preprocessing"]["image_size"]
    x = x.reshape(-1, 3, size, size)
    with torch.no_grad():
        write_floats(args.out, model(x))
    json.loads(checkpoint["metadata"])  # must be valid JSON
    print(json.dumps({"arch": checkpoint["arch"], "classes": checkpoint["classes"],
                      "format": checkpoint["format"],
                      "preprocessing": checkpoint["preprocessing"]}))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("reference")
    r.add_argument("--arch", required=True)
    r.add_argument("--classes", type=int, required=True)
    r.add_argument("--format", default="zip")
    r.add_argument("--weights", required=True)
    r.add_argument("--size", type=int, default=64)
    r.add_argument("--batch", type=int, default=2)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--out", required=True)
    c = sub.add_parser("check-checkpoint")
    c.add_argument("--checkpoint", required=True)
    c.add_argument("--input", required=True)
    c.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    {"reference": reference, "check-checkpoint": check_checkpoint}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
