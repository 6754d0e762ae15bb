"""The connection to a dashboard, run by two background threads so that training never waits on it.

The writer thread connects when asked (at most every 2 s, each attempt bounded by 0.2 s), sends the
hello, then the queued messages in order and the newest snapshot (a newer one replaces an unsent
older one). The reader thread waits for the welcome, then hands commands to the training thread.
A send that cannot finish within 0.5 s, a broken frame or a closed socket drops the dashboard;
training goes on and a later `poke` tries again.
"""
import collections
import socket
import sys
import threading
import time

from . import wire
from .address import describe

CONNECT_TIMEOUT = 0.2
SEND_TIMEOUT = 0.5
RETRY_INTERVAL = 2.0
RETRY_AFTER_REFUSAL = 10.0
WELCOME_TIMEOUT = 5.0
OUTBOX_LIMIT = 10000

IDLE, HANDSHAKE, LIVE, CLOSED = "idle", "handshake", "live", "closed"


def note(text):
    """One line on stderr, prefixed so the user knows where it comes from."""
    print(f"tensortop_probe: {text}", file=sys.stderr, flush=True)


class Link:
    """One dashboard at a time: connects on request, sends in order, receives commands.

    `hello` is a callable returning the hello message (called for each connection). Commands
    arrive in `commands` as (id, command) pairs; `command_arrived` is set when one does.
    """

    def __init__(self, address, token, hello, quiet=False):
        self.address = address
        self._token = token
        self._hello = hello
        self._quiet = quiet
        self._lock = threading.Condition()
        self._state = IDLE
        self._socket = None
        self._generation = 0
        self._outbox = collections.deque()
        self._snapshot = None
        self._connect_wanted = False
        self._closing = False
        self._next_attempt = 0.0
        self._handshake_deadline = 0.0
        self._welcomed = False
        self._refusal = None
        self._absence_told = False
        self.commands = collections.deque()
        self.command_arrived = threading.Event()
        self._writer = threading.Thread(target=self._write_loop, name="tensortop-probe-writer", daemon=True)
        self._writer.start()

    # --- called from the training thread -------------------------------------------------

    @property
    def live(self):
        """Whether a dashboard has welcomed the probe and is still connected."""
        return self._state == LIVE

    def poke(self, now=None):
        """Asks for a connection attempt when none is open and the last one was long enough ago."""
        if self._state != IDLE:
            return
        now = time.monotonic() if now is None else now
        if now < self._next_attempt:
            return
        with self._lock:
            if self._state == IDLE and not self._closing:
                self._next_attempt = now + RETRY_INTERVAL
                self._connect_wanted = True
                self._lock.notify_all()

    def take_welcome(self):
        """True once after each welcome: the caller then sends what a new dashboard needs (history)."""
        if not self._welcomed:
            return False
        with self._lock:
            welcomed, self._welcomed = self._welcomed, False
            return welcomed and self._state == LIVE

    def send(self, message):
        """Queues a message (a dict, or a callable making one) to go out in order; dropped when not live."""
        if self._state != LIVE:
            return
        with self._lock:
            if len(self._outbox) >= OUTBOX_LIMIT:
                self._outbox.popleft()
            self._outbox.append(message)
            self._lock.notify_all()

    def send_snapshot(self, message):
        """Queues the newest snapshot (a dict or a callable making one), replacing an unsent older one."""
        if self._state != LIVE:
            return
        with self._lock:
            self._snapshot = message
            self._lock.notify_all()

    def close(self, final_messages=(), timeout=2.0):
        """Sends `final_messages` (when live), waits at most `timeout` for the queue to drain, then disconnects."""
        with self._lock:
            if self._state == LIVE:
                self._outbox.extend(final_messages)
            self._closing = True
            self._lock.notify_all()
        self._writer.join(timeout)
        with self._lock:
            self._disconnect_locked()
            self._state = CLOSED

    # --- the writer thread ------------------------------------------------------------------

    def _write_loop(self):
        """The writer thread: connects when asked, sends queued messages, ends at close."""
        while True:
            with self._lock:
                while not self._has_work_locked():
                    self._lock.wait(self._wait_time_locked())
                    if self._state == HANDSHAKE and time.monotonic() > self._handshake_deadline:
                        self._drop_locked(self._generation, "no welcome from the dashboard within "
                                                            f"{WELCOME_TIMEOUT:g} s")
                if self._state == LIVE and (self._outbox or self._snapshot is not None):
                    batch = list(self._outbox)
                    self._outbox.clear()
                    if self._snapshot is not None:
                        batch.append(self._snapshot)
                        self._snapshot = None
                    generation, sock = self._generation, self._socket
                    job = ("send", batch)
                elif self._closing:
                    return
                elif self._connect_wanted and self._state == IDLE:
                    self._connect_wanted = False
                    job = ("connect", None)
                else:
                    continue
            if job[0] == "connect":
                self._connect()
            else:
                self._send_batch(generation, sock, job[1])

    def _has_work_locked(self):
        """Whether the writer has something to do now (the lock held)."""
        if self._state == LIVE and (self._outbox or self._snapshot is not None):
            return True
        if self._closing:
            return True
        return self._connect_wanted and self._state == IDLE

    def _wait_time_locked(self):
        """How long the writer may sleep: until the welcome's deadline during a handshake."""
        if self._state == HANDSHAKE:
            return max(0.01, self._handshake_deadline - time.monotonic())
        return None

    def _send_batch(self, generation, sock, batch):
        """Encodes and sends messages in order; drops the connection when a send fails or times out."""
        for item in batch:
            try:
                message = item() if callable(item) else item
                if message is None:
                    continue
                frame = wire.encode_message(message)
            except Exception as error:  # a snapshot that cannot be made must not end the run
                note(f"could not encode a message ({type(error).__name__}: {error}); skipped")
                continue
            try:
                sock.sendall(frame)
            except (OSError, ValueError) as error:
                reason = "the dashboard stopped reading" if isinstance(error, socket.timeout) else str(error) or type(error).__name__
                with self._lock:
                    self._drop_locked(generation, reason)
                return

    def _connect(self):
        """One connection attempt (at most 0.2 s), the hello, and a reader thread for the answer."""
        address = self.address
        try:
            if address.kind == "unix":
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(CONNECT_TIMEOUT)
                try:
                    sock.connect(address.target)
                except OSError:
                    sock.close()
                    raise
            else:
                sock = socket.create_connection(address.target, timeout=CONNECT_TIMEOUT)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(SEND_TIMEOUT)
        except OSError:
            # Nobody listening yet: try again at a later poke; say so once.
            if not self._quiet and not self._absence_told:
                note(f"no dashboard at {describe(address)} yet; training goes on and the probe looks again every "
                     f"{RETRY_INTERVAL:g} s (start `tensortop attach` to watch; Probe(..., quiet=True) silences this)")
            self._absence_told = True
            return
        token = self._token if address.kind == "tcp" else None
        try:
            sock.sendall(wire.encode_message(self._hello(token)))
        except (OSError, wire.FrameError):
            sock.close()
            return
        with self._lock:
            if self._closing:
                sock.close()
                return
            self._generation += 1
            self._socket = sock
            self._state = HANDSHAKE
            self._handshake_deadline = time.monotonic() + WELCOME_TIMEOUT
            generation = self._generation
        threading.Thread(target=self._read_loop, args=(sock, generation), name="tensortop-probe-reader",
                         daemon=True).start()

    # --- the reader thread ------------------------------------------------------------------

    def _read_loop(self, sock, generation):
        """The reader thread of one connection: the welcome, then commands, until it ends."""
        buffer = bytearray()
        try:
            while True:
                header = self._read_exactly(sock, generation, buffer, 4)
                payload = self._read_exactly(sock, generation, buffer, wire.frame_length(header))
                if not self._handle(wire.decode_message(payload), generation):
                    return
        except _Stale:
            return
        except wire.FrameError as error:
            reason = str(error)
        except OSError as error:
            reason = str(error) or type(error).__name__
        except EOFError:
            reason = "the dashboard closed the connection"
        with self._lock:
            self._drop_locked(generation, reason)

    def _read_exactly(self, sock, generation, buffer, count):
        """`count` bytes from the connection (what `buffer` already holds first)."""
        while len(buffer) < count:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                if self._generation != generation or self._state in (IDLE, CLOSED):
                    raise _Stale()
                continue
            if not chunk:
                raise EOFError()
            buffer += chunk
        data = bytes(buffer[:count])
        del buffer[:count]
        return data

    def _handle(self, message, generation):
        """Acts on one message; False when the connection is over."""
        (kind, body), = message.items()
        if not isinstance(body, dict):
            raise wire.FrameError(f"the body of a {kind!r} message is not an object")
        with self._lock:
            if generation != self._generation:
                return False
            if self._state == HANDSHAKE:
                if kind == "welcome":
                    self._state = LIVE
                    self._welcomed = True
                    self._refusal = None
                    self._absence_told = True  # losing this dashboard is said when it happens
                    if not self._quiet:
                        version = body.get("tensortopVersion", "?")
                        note(f"attached to the dashboard at {describe(self.address)} (tensortop {version})")
                    return True
                if kind == "refused":
                    reason = str(body.get("reason", "no reason given"))
                    if reason != self._refusal and not self._quiet:
                        note(f"the dashboard at {describe(self.address)} refused the probe: {reason}")
                    self._refusal = reason
                    self._next_attempt = time.monotonic() + RETRY_AFTER_REFUSAL
                    self._drop_locked(generation, None)
                    return False
                raise wire.FrameError(f"expected welcome or refused, got {kind!r}")
            if kind == "command":
                identifier, command = body.get("id"), body.get("command")
                if not isinstance(identifier, int) or isinstance(identifier, bool) or not isinstance(command, dict):
                    raise wire.FrameError("a command needs an integer id and a command object")
                self.commands.append((identifier, command))
                self.command_arrived.set()
            # Other kinds (a newer dashboard's) are ignored.
            return True

    # --- both -----------------------------------------------------------------------------

    def _drop_locked(self, generation, reason):
        """Ends connection `generation` (the lock held), saying why on stderr when it was live."""
        if generation != self._generation or self._state not in (HANDSHAKE, LIVE):
            return
        was_live = self._state == LIVE
        self._disconnect_locked()
        self._state = IDLE
        self._outbox.clear()
        self._snapshot = None
        self.command_arrived.set()  # wakes a paused training loop, which then resumes
        if reason and not self._quiet and (was_live or not self._closing):
            note(f"lost the dashboard at {describe(self.address)} ({reason}); training goes on")

    def _disconnect_locked(self):
        """Closes the socket (the lock held) so its reader stops."""
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._socket.close()
            self._socket = None
            self._generation += 1


class _Stale(Exception):
    """The connection a reader served was replaced or closed."""
