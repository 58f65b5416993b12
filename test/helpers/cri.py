#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A CRI client for the tests: speaks to a CRI runtime (containerd's CRI
plugin) the gRPC a kubelet speaks, with the messages of cri.proto beside
this file (a subset of k8s.io/cri-api runtime/v1, same field numbers).

usage:
  cri.py SOCKET METHOD [JSON]     call runtime.v1.RuntimeService/METHOD
                                  with the request JSON (else stdin); the
                                  answer as JSON on stdout
  cri.py SOCKET exec ID SECS -- CMD [ARG...]
                                  ExecSync: CMD's stdout and stderr, and
                                  its exit status as ours

An RPC error is printed as "cri: METHOD: CODE: details" on stderr, exit 3.

The proto is compiled to a descriptor set with grpc_tools' protoc and the
message classes are built from it (protoc 3.5's generated modules are
refused by protobuf 4)."""
import json
import os
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf import message_factory
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICE = "runtime.v1.RuntimeService"


def load_messages():
    with tempfile.TemporaryDirectory(prefix="pouch-cri.") as d:
        out = os.path.join(d, "cri.pb")
        rc = protoc.main(["protoc", "-I" + HERE, "--include_imports",
                          "--descriptor_set_out=" + out, "cri.proto"])
        if rc != 0:
            sys.exit("cri: protoc failed on %s/cri.proto" % HERE)
        with open(out, "rb") as f:
            fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    svc = pool.FindServiceByName(SERVICE)
    if hasattr(message_factory, "GetMessageClass"):
        cls = message_factory.GetMessageClass
    else:
        cls = message_factory.MessageFactory(pool).GetPrototype
    methods = {}
    for m in svc.methods:
        methods[m.name] = (cls(m.input_type), cls(m.output_type))
    return methods


def call(channel, methods, name, req):
    if name not in methods:
        sys.exit("cri: unknown method %s (known: %s)"
                 % (name, " ".join(sorted(methods))))
    in_cls, out_cls = methods[name]
    stub = channel.unary_unary("/%s/%s" % (SERVICE, name),
                               request_serializer=in_cls.SerializeToString,
                               response_deserializer=out_cls.FromString)
    msg = json_format.ParseDict(req, in_cls())
    timeout = float(os.environ.get("CRI_TIMEOUT", "120"))
    try:
        return stub(msg, timeout=timeout)
    except grpc.RpcError as e:
        sys.stderr.write("cri: %s: %s: %s\n" % (name, e.code().name, e.details()))
        sys.exit(3)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    sock, name = argv[1], argv[2]
    methods = load_messages()
    channel = grpc.insecure_channel("unix://" + sock)
    if name == "exec":
        if len(argv) < 7 or argv[5] != "--":
            sys.exit("usage: cri.py SOCKET exec ID SECS -- CMD [ARG...]")
        r = call(channel, methods, "ExecSync",
                 {"container_id": argv[3], "timeout": int(argv[4]), "cmd": argv[6:]})
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        return r.exit_code
    req = json.loads(argv[3] if len(argv) > 3 else sys.stdin.read() or "{}")
    r = call(channel, methods, name, req)
    print(json_format.MessageToJson(r, preserving_proto_field_name=True,
                                    including_default_value_fields=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
