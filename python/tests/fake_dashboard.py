"""A stand-in for `tensortop attach` speaking the wire of docs/TELEMETRY.md, for the probe's tests.

`start_dashboard()` is what tests call: it returns a FakeDashboard, which lets a test see every
message the probe sends and misbehave on purpose (refuse, stop reading, vanish). The real
`tensortop attach` is driven from its keyboard in test_real_dashboard.py.
"""
import json
import os
import shutil
import socket
import struct
import tempfile
import threading
import time

MAX_FRAME = 64 * 1024 * 1024


class BareNumber(ValueError):
    """The probe wrote NaN or an infinity as a bare JSON number."""


def parse_json(data):
    """The JSON of one frame; BareNumber for NaN/Infinity written as numbers (the wire forbids them)."""
    def refuse(constant):
        raise BareNumber(f"bare {constant} in a frame")
    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def frame(message):
    """A frame (u32 little-endian length, JSON) carrying `message`."""
    data = json.dumps(message).encode("utf-8")
    return struct.pack("<I", len(data)) + data


def read_frame(sock):
    """The next message from `sock`, or None at the end of the connection."""
    header = _read_exactly(sock, 4)
    if header is None:
        return None
    (length,) = struct.unpack("<I", header)
    if not 1 <= length <= MAX_FRAME:
        raise ValueError(f"a frame claims {length} bytes")
    payload = _read_exactly(sock, length)
    if payload is None:
        raise ValueError("the connection ended inside a frame")
    return parse_json(payload)


def _read_exactly(sock, count):
    """`count` bytes from `sock`, or what arrived before the connection ended (None for nothing)."""
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None if not data else bytes(data)
        data += chunk
    return bytes(data)


class FakeDashboard:
    """Listens like `tensortop attach`, answers hellos, keeps every message, sends commands.

    kind "unix" (a socket in a temporary folder) or "tcp" (127.0.0.1, any port, with `token`);
    `refuse` makes it refuse every hello with that reason; with `read` false it welcomes a probe
    and then never reads (a hung dashboard); `path` chooses the Unix socket's path.
    """

    def __init__(self, kind="unix", token=None, refuse=None, read=True, path=None):
        self.kind = kind
        self.read = read
        self.token = token
        self.refuse = refuse
        self.folder = tempfile.mkdtemp(prefix="tt-dash-")
        self.lock = threading.Condition()
        self.messages = []        # (connection number, message) in arrival order
        self.problems = []        # what broke the wire's rules
        self.hellos = []
        self.connections = 0
        self.current = None
        self.next_id = 1
        if kind == "unix":
            self.path = path or os.path.join(self.folder, "attach.sock")
            self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.server.bind(self.path)
            self.address = f"unix:{self.path}"
        else:
            self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.server.bind(("127.0.0.1", 0))
            self.address = "tcp:127.0.0.1:%d" % self.server.getsockname()[1]
        self.server.listen(4)
        self.env = {"TENSORTOP_ATTACH": self.address}
        if token is not None:
            self.env["TENSORTOP_TOKEN"] = token
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    # --- serving -------------------------------------------------------------------------

    def _accept_loop(self):
        """Serves one connection after another until the listening socket closes."""
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self._serve(connection)

    def _serve(self, connection):
        """One probe's connection: its hello, the welcome or refusal, then every message."""
        with self.lock:
            self.connections += 1
            number = self.connections
        try:
            hello = read_frame(connection)
            if hello is None or "hello" not in hello:
                self._problem(f"first message is not a hello: {hello!r}")
                connection.close()
                return
            with self.lock:
                self.hellos.append(hello["hello"])
                self.lock.notify_all()
            reason = self.refuse
            if reason is None and self.kind == "tcp" and hello["hello"].get("token") != self.token:
                reason = "wrong or missing token"
            if reason is not None:
                connection.sendall(frame({"refused": {"reason": reason}}))
                connection.close()
                return
            connection.sendall(frame({"welcome": {"schemaVersion": 1, "tensortopVersion": "fake"}}))
            with self.lock:
                self.current = connection
            while not self.read:
                if connection.fileno() < 0 or self.server.fileno() < 0:
                    return
                time.sleep(0.05)
            while True:
                message = read_frame(connection)
                if message is None:
                    break
                with self.lock:
                    self.messages.append((number, message))
                    self.lock.notify_all()
        except (OSError, ValueError) as error:
            self._problem(f"connection {number}: {error}")
        finally:
            with self.lock:
                if self.current is connection:
                    self.current = None
                self.lock.notify_all()
            connection.close()

    def _problem(self, text):
        """Notes something that broke the wire's rules."""
        with self.lock:
            self.problems.append(text)
            self.lock.notify_all()

    # --- what tests call ------------------------------------------------------------------

    def wait_for(self, predicate, timeout=20.0, what="a condition"):
        """Waits until `predicate(self)` is true; AssertionError naming `what` after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                result = predicate(self)
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    kinds = [next(iter(m)) for _, m in self.messages[-8:]]
                    raise AssertionError(f"timed out waiting for {what}; last messages: {kinds}; problems: {self.problems}")
                self.lock.wait(min(left, 0.2))

    def of_kind(self, kind):
        """The bodies of the messages of one kind (`snapshot`, `losses`, `event`, `bye`), in order."""
        return [message[kind] for _, message in list(self.messages) if kind in message]

    def events(self):
        """Every TrainerEvent received, as one-key dicts."""
        return [body["event"] for body in self.of_kind("event")]

    def snapshots(self):
        """Every TrainingSnapshot received."""
        return [body["snapshot"] for body in self.of_kind("snapshot")]

    def loss_points(self):
        """Every LossPoint received, in order."""
        return [point for body in self.of_kind("losses") for point in body["points"]]

    def connected(self):
        """Whether a probe is attached now."""
        return self.current is not None

    def command(self, command):
        """Sends `command` (a TrainerCommand dict) to the attached probe; returns its id."""
        with self.lock:
            identifier = self.next_id
            self.next_id += 1
            connection = self.current
        if connection is None:
            raise AssertionError("no probe attached to send a command to")
        connection.sendall(frame({"command": {"id": identifier, "command": command}}))
        return identifier

    def answer(self, identifier):
        """The applied/refused event for command `identifier`, or None yet."""
        for event in self.events():
            for kind in ("applied", "refused"):
                if kind in event and event[kind].get("id") == identifier:
                    return event
        return None

    def wait_answer(self, identifier, timeout=20.0):
        """Waits for command `identifier`'s applied/refused event and returns it."""
        return self.wait_for(lambda d: d.answer(identifier), timeout, f"the answer to command {identifier}")

    def vanish(self):
        """Disappears like a killed dashboard: the connection and the listening socket close."""
        self.server.close()
        with self.lock:
            connection = self.current
        if connection is not None:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()

    def close(self):
        """Stops listening and removes the temporary folder."""
        self.vanish()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_dashboard(kind="unix", token=None, refuse=None, read=True, path=None):
    """The dashboard the tests talk to."""
    return FakeDashboard(kind, token, refuse, read, path)
