"""The wire format shared with `tensortop attach`: frames, JSON and the messages (docs/TELEMETRY.md).

A frame is a u32 little-endian length (1 to 64 MiB) followed by that many bytes of UTF-8 JSON.
Non-finite numbers travel as the strings "nan", "inf" and "-inf"; enums are one-key objects.
"""
import json
import math
import struct

SCHEMA_VERSION = 1
PROBE_VERSION = "0.1.0"
MAX_FRAME = 64 * 1024 * 1024

# SourceCapabilities bits (docs/TELEMETRY.md, "Capabilities").
CAP_PAUSE = 1 << 0
CAP_STEP = 1 << 1
CAP_CHANGE_LEARNING_RATE = 1 << 2
CAP_REINITIALIZE = 1 << 3
CAP_SAVE = 1 << 5
CAP_BATCH_IMAGES = 1 << 8
CAP_GRADIENTS = 1 << 9
CAP_STOP_RUN = 1 << 12


class FrameError(Exception):
    """A frame or message from the peer that breaks the wire's rules."""


def number(value):
    """`value` as a JSON-safe number: a finite float as it is, NaN and infinities as their strings."""
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def _sanitized(value):
    """A copy of `value` with every non-finite float replaced by its string (a slow, complete walk)."""
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dict):
        return {key: _sanitized(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sanitized(item) for item in value]
    return value


def encode_message(message):
    """The frame (length prefix and JSON) carrying `message`; never writes NaN as a bare number."""
    try:
        text = json.dumps(message, allow_nan=False, sort_keys=True, separators=(",", ":"))
    except ValueError:  # a non-finite float that the caller did not convert
        text = json.dumps(_sanitized(message), allow_nan=False, sort_keys=True, separators=(",", ":"))
    data = text.encode("utf-8")
    if len(data) > MAX_FRAME:
        raise FrameError(f"a message of {len(data)} bytes is larger than a frame may be ({MAX_FRAME})")
    return struct.pack("<I", len(data)) + data


def frame_length(header):
    """The length a 4-byte frame header announces; FrameError when it is 0 or above 64 MiB."""
    (length,) = struct.unpack("<I", header)
    if length < 1 or length > MAX_FRAME:
        raise FrameError(f"a frame claims {length} bytes (frames hold 1 to {MAX_FRAME})")
    return length


def decode_message(payload):
    """The JSON object a frame's payload holds; FrameError naming the problem otherwise."""
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FrameError(f"a frame is not a JSON message ({error})") from None
    if not isinstance(message, dict) or len(message) != 1:
        raise FrameError("a message must be a JSON object with one key")
    return message


def enum_case(value):
    """The (case name, values) of an enum's one-key JSON object, or (None, {}) when it is not one."""
    if isinstance(value, dict) and len(value) == 1:
        (name, body), = value.items()
        return name, body if isinstance(body, dict) else {}
    return None, {}


def hello(capabilities, token, run):
    """The probe's first message."""
    body = {"schemaVersion": SCHEMA_VERSION, "probeVersion": PROBE_VERSION, "capabilities": capabilities, "run": run}
    if token is not None:
        body["token"] = token
    return {"hello": body}


def event(case, **values):
    """A TrainerEvent message, e.g. event("applied", id=3, text="lr 0.1 → 0.2")."""
    return {"event": {"event": {case: values}}}


def losses(points):
    """A `losses` message from (step, loss, learning rate) triples."""
    return {"losses": {"points": [{"step": step, "loss": number(loss), "learningRate": number(lr)}
                                  for step, loss, lr in points]}}


def bye():
    """The probe's last message."""
    return {"bye": {}}
