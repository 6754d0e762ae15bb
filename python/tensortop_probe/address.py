"""Where the dashboard listens: parsing TENSORTOP_ATTACH and the default Unix socket."""
import os
from collections import namedtuple

# kind is "unix" (target: a path) or "tcp" (target: a (host, port) pair).
Address = namedtuple("Address", "kind target")


def default_socket_path():
    """`$XDG_RUNTIME_DIR/tensortop/attach.sock`, or `/tmp/tensortop-UID/attach.sock` without a runtime dir."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, "tensortop", "attach.sock")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return f"/tmp/tensortop-{uid}/attach.sock"


def parse_address(text):
    """An Address from `unix:PATH`, `tcp:HOST:PORT` or `HOST:PORT`; ValueError naming what is wrong."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"a dashboard address must be unix:PATH, tcp:HOST:PORT or HOST:PORT, got {text!r}")
    if text.startswith("unix:"):
        path = text[len("unix:"):]
        if not path:
            raise ValueError("unix: needs a socket path, e.g. unix:/tmp/attach.sock")
        return Address("unix", path)
    rest = text[len("tcp:"):] if text.startswith("tcp:") else text
    host, colon, port = rest.rpartition(":")
    if not colon or not host:
        raise ValueError(f"a dashboard address must be unix:PATH, tcp:HOST:PORT or HOST:PORT, got {text!r}")
    if host.startswith("[") and host.endswith("]"):  # [::1]:7000
        host = host[1:-1]
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"the port in {text!r} is not a number") from None
    if not 1 <= number <= 65535:
        raise ValueError(f"the port in {text!r} is outside 1…65535")
    return Address("tcp", (host, number))


def resolve_address(argument=None):
    """The address to try: the argument, else $TENSORTOP_ATTACH, else the default Unix socket."""
    if argument is not None:
        return argument if isinstance(argument, Address) else parse_address(argument)
    from_environment = os.environ.get("TENSORTOP_ATTACH")
    if from_environment:
        return parse_address(from_environment)
    return Address("unix", default_socket_path())


def describe(address):
    """The address written as TENSORTOP_ATTACH takes it."""
    if address.kind == "unix":
        return f"unix:{address.target}"
    host, port = address.target
    return f"tcp:{host}:{port}"
